// train.py's training machinery (pytorchTrainScript.ts puts the parts together): the optimiser, the device, the B
// streams stepped by truncated BPTT(k1, k2) as SequenceTrainer steps them (and tagged sequences in batches), each
// rank's share under torchrun, the run history (metrics.jsonl) and the resumable checkpoint.

export const TRAIN_PY_TRAINING_STEPS = String.raw`# ---- training, as SequenceTrainer does it ---------------------------------------------------------------------------

def fail(message):
    """One line on stderr and exit status 1 (under torchrun every rank reaches the same verdict before any collective)."""
    sys.exit(f"error: {message}")


def make_optimizer(params, lr):
    o = RUN["optimizer"]
    if o["kind"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o.get("momentum") or 0)
    if o["kind"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def my_share(count, rank, world):
    """The slice [lo, hi) of count streams (or sequences) this rank takes."""
    return count * rank // world, count * (rank + 1) // world


def pick_device(choice):
    """cpu, or the GPU of this process: cuda:LOCAL_RANK (torchrun sets LOCAL_RANK; one GPU per process)."""
    if choice == "auto":
        choice = "cuda" if torch.cuda.is_available() else "cpu"
    if choice == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        fail("--device cuda, but PyTorch sees no CUDA GPU (torch.cuda.is_available() is False: no GPU, no driver, or a "
             "CPU-only build of torch such as Debian's python3-torch). Use --device cpu, or --device auto to take a GPU "
             "only where there is one.")
    local = int(os.environ.get("LOCAL_RANK", "0"))
    count = torch.cuda.device_count()
    if local >= count:
        fail(f"--device cuda runs one process per GPU, but this is local rank {local} and the machine has {count} "
             f"GPU(s); use --nproc_per_node={count} or fewer")
    torch.cuda.set_device(local)
    return torch.device("cuda", local)


def stream_layout(length, B, k1, k2):
    """S positions per stream and the clamped k1, k2; None when B streams do not fit the data."""
    S = (length - 1) // B
    return None if S < 1 else (S, min(k1, S), min(k2, S))


def check_batch(task, data, B, world, data_name):
    """Settings the data or the process count cannot satisfy, refused before any process waits for another."""
    if world > B:
        fail(f"{world} processes but --batch {B} makes only {B} stream(s), and every process needs at least one; "
             f"use --batch {world} (or more), or fewer processes (--nproc_per_node × --nnodes ≤ {B})")
    if task == "tag":
        if B > len(data) and B != RUN["batch"]:
            fail(f"--batch {B} is larger than the data allows: {data_name} has {len(data)} tagged sequence(s), so at "
                 f"most --batch {len(data)}")
        return
    if stream_layout(len(data), B, 1, 1) is None:
        fail(f"--batch {B} is larger than the data allows: {data_name} has {len(data) - 1} position(s) to predict and "
             f"every stream needs at least one, so at most --batch {max(1, len(data) - 1)}")


def stream_stepper(ddp, model, task, data, B, lo, hi, dtype, autocast):
    """Truncated BPTT(k1, k2) over B streams (stream b = positions b·S … b·S + S − 1), this rank's streams lo … hi − 1."""
    S, k1, k2 = stream_layout(len(data), B, RUN["seqLength"], RUN.get("truncate") or RUN["seqLength"])
    device = data.device
    streams = torch.arange(lo, hi, device=device)[:, None] * S
    per_value = data.shape[1] if task == "series" else 1
    at = {"p": 0, "state_pos": 0, "state": zero_state(model, hi - lo, dtype)}

    def rows(start, length):
        return data[streams + start + torch.arange(length, device=device)[None, :]]

    def step():
        p, state_pos, state = at["p"], at["state_pos"], at["state"]
        if p + k1 > S:  # a new epoch: every stream wraps to its start with zero state
            p, state_pos, state = 0, 0, zero_state(model, hi - lo, dtype)
        e = p + k1
        w = max(0, e - k2)  # window [w, e) is backpropagated; losses only over max(p, w) … e − 1
        loss_from = max(p, w)
        keep = min(max(0, e + k1 - k2), e) - w  # the state at w + keep is carried to the next update
        with autocast():
            if state_pos < w:
                with torch.no_grad():
                    _, state, _ = model(rows(state_pos, w - state_pos), state)
            out, _, carried = ddp(rows(w, e - w), state, split=keep)
            target = data[streams + loss_from + 1 + torch.arange(e - loss_from, device=device)[None, :]]
            out = out.float() if out.dtype == torch.float16 else out  # mixed precision: the loss in float32
            part = step_loss_sum(out[:, loss_from - w:], target, task)
        at.update(p=e, state_pos=w + keep, state=detach(carried))
        return part, B * (e - loss_from) * per_value

    def position():
        """Where the streams are, this rank's part: (p, state_pos, state on the CPU)."""
        state = at["state"]
        cpu = tuple(s.detach().cpu() for s in state) if isinstance(state, tuple) else state.detach().cpu()
        return {"p": at["p"], "state_pos": at["state_pos"], "state": cpu}

    def restore(parts):
        """Every rank's position (as gathered at the checkpoint, in rank order), cut to this rank's streams."""
        first = parts[0]
        joined = [torch.cat([pt["state"][i] if isinstance(first["state"], tuple) else pt["state"] for pt in parts], 1)
                  for i in range(len(first["state"]) if isinstance(first["state"], tuple) else 1)]
        mine = [s[:, lo:hi].to(device=device, dtype=dtype) for s in joined]
        at.update(p=first["p"], state_pos=first["state_pos"], state=tuple(mine) if isinstance(first["state"], tuple) else mine[0])

    return step, position, restore


def tag_stepper(ddp, sequences, B, lo, hi, device, autocast):
    """B sequences at a time in file order (wrapping), each whole from a zero state; this rank's lo … hi − 1."""
    at = {"cursor": 0}

    def step():
        batch = [sequences[(at["cursor"] + b) % len(sequences)] for b in range(B)]
        at["cursor"] += B
        mine = batch[lo:hi]
        lengths = torch.tensor([len(ids) for ids, _ in mine])  # pack_padded_sequence wants lengths on the CPU
        ids = nn.utils.rnn.pad_sequence([ids for ids, _ in mine], batch_first=True).to(device)
        tags = nn.utils.rnn.pad_sequence([t for _, t in mine], batch_first=True, padding_value=-100).to(device)
        with autocast():
            out = ddp(ids, lengths=lengths)
            out = out.float() if out.dtype == torch.float16 else out  # mixed precision: the loss in float32
            part = F.cross_entropy(out.reshape(-1, out.shape[-1]), tags.reshape(-1), reduction="sum", ignore_index=-100)
        return part, sum(len(ids) for ids, _ in batch)

    return step, (lambda: {"cursor": at["cursor"]}), (lambda parts: at.update(cursor=parts[0]["cursor"]))


# ---- run history (metrics.jsonl, as Sequence Lab's Runs view stores it) and the resumable checkpoint -----------------

def last_metrics_step(path):
    """The step of the last whole line of metrics.jsonl (0 when there is none): this run's steps continue from it."""
    last = 0
    try:
        with open(path, "r", encoding="utf-8") as f:
            for line in f:
                try:
                    m = json.loads(line)
                except ValueError:
                    continue  # a line cut by a crash mid-append
                if isinstance(m, dict) and isinstance(m.get("step"), int):
                    last = m["step"]
    except FileNotFoundError:
        pass
    return last


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_checkpoint(path, checkpoint):
    """The checkpoint as safetensors: its tensors, and everything else as JSON in the metadata (no pickle, so reading
    a checkpoint never runs code). Dicts become [key, value] pairs (the optimiser's keys are ints), tuples are marked."""
    tensors = {}

    def flat(x):
        if torch.is_tensor(x):
            name = f"t{len(tensors)}"
            tensors[name] = x.detach().cpu()
            return {"tensor": name}
        if isinstance(x, dict):
            return {"dict": [[flat(k), flat(v)] for k, v in x.items()]}
        if isinstance(x, (list, tuple)):
            return {"tuple" if isinstance(x, tuple) else "list": [flat(v) for v in x]}
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        raise TypeError(f"cannot checkpoint a {type(x).__name__}")

    save_file(tensors, path + ".tmp", {"checkpoint": json.dumps(flat(checkpoint))})
    os.replace(path + ".tmp", path)


def load_checkpoint(path):
    tensors, metadata = load_file(path)

    def unflat(x):
        if isinstance(x, dict):
            if "tensor" in x:
                return tensors[x["tensor"]]
            if "dict" in x:
                return {unflat(k): unflat(v) for k, v in x["dict"]}
            if "tuple" in x:
                return tuple(unflat(v) for v in x["tuple"])
            return [unflat(v) for v in x["list"]]
        return x

    checkpoint = unflat(json.loads(metadata["checkpoint"]))
    if not isinstance(checkpoint, dict):
        raise ValueError("not a train.py checkpoint")
    return checkpoint


`;
