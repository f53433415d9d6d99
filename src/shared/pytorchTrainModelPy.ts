// train.py's model and data (pytorchTrainScript.ts puts the parts together): SequenceModel with the same state_dict
// names as model.safetensors, the data read exactly as Sequence Lab reads it (characters, words, tagged, series),
// loading and saving the model file, and eval — the mean loss over the file as `sequence-lab eval` computes it.

export const TRAIN_PY_MODEL_AND_DATA = String.raw`class SequenceModel(nn.Module):
    """embed (optional) → rnn → head: state_dict names exactly as in model.safetensors."""

    def __init__(self, meta):
        super().__init__()
        self.task = meta["task"]
        self.input_size = meta["inputSize"]
__MODEL_LAYERS__

    def inputs(self, x):
        if self.task == "series":
            return x
        if self.embed is not None:
            return self.embed(x)
        return F.one_hot(x, self.input_size).to(self.head.weight.dtype)

    def forward(self, x, state=None, split=None, lengths=None):
        """Streams: outputs, final state and the state after ` + '`split`' + String.raw` steps (carried to the next update).
        Tagging (lengths given): padded outputs of each sequence run whole from a zero state."""
        z = self.inputs(x)
        if lengths is not None:
            packed = nn.utils.rnn.pack_padded_sequence(z, lengths, batch_first=True, enforce_sorted=False)
            y, _ = self.rnn(packed)
            y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=z.shape[1])
            return self.head(y)
        split = z.shape[1] if split is None else split
        parts, carried = [], state
        if split > 0:
            y, state = self.rnn(z[:, :split], state)
            parts.append(y)
            carried = state
        if split < z.shape[1]:
            y, state = self.rnn(z[:, split:], state)
            parts.append(y)
        return self.head(torch.cat(parts, 1)), state, carried


# ---- data, exactly as Sequence Lab reads it ----------------------------------------------------------------------

def read_text(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text  # TextDecoder drops a byte order mark


def encode(tokens, vocabulary, what="token"):
    index = {t: i for i, t in enumerate(vocabulary)}
    ids = []
    for t in tokens:
        if t not in index:
            sys.exit(f"error: the {what} {json.dumps(t)} is not in the model's vocabulary")
        ids.append(index[t])
    return torch.tensor(ids, dtype=torch.long)


def parse_tagged(text):
    sequences, current = [], ([], [])
    for i, line in enumerate(re.split(r"\r?\n", text)):
        if line.strip() == "":
            if current[0]:
                sequences.append(current)
            current = ([], [])
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[0] == "" or parts[1].strip() == "":
            sys.exit(f"error: line {i + 1} of the tagged file is not \"token<TAB>tag\"")
        current[0].append(parts[0])
        current[1].append(parts[1].strip())
    if current[0]:
        sequences.append(current)
    return sequences


def parse_series(text):
    lines = [l for l in re.split(r"\r?\n", text) if l.strip() != ""]
    cells = [[c.strip() for c in re.split(r"[,\t;]", l)] for l in lines]
    if any(not NUMBER.match(c) for c in cells[0]):
        cells = cells[1:]  # a header line
    return torch.tensor([[float(c) for c in row] for row in cells], dtype=torch.float64)


def load_data(path, meta):
    """lm: one id tensor; tag: [(ids, tags)]; series: rows × features (float64)."""
    text = read_text(path)
    if meta["task"] == "lm":
        tokens = list(text) if meta.get("tokens", "chars") == "chars" else [w for w in JS_WHITESPACE.split(text) if w]
        return encode(tokens, meta["vocabulary"])
    if meta["task"] == "tag":
        return [(encode(t, meta["vocabulary"]), encode(g, meta["tags"], "tag")) for t, g in parse_tagged(text)]
    rows = parse_series(text)
    if rows.shape[1] != meta["inputSize"]:
        sys.exit(f"error: the series has {rows.shape[1]} columns; the model reads {meta['inputSize']}")
    return rows


# ---- model file ----------------------------------------------------------------------------------------------------

def load_model(path, dtype):
    tensors, metadata = load_file(path)
    meta = json.loads(metadata["sequence_lab"])
    model = SequenceModel(meta).to(dtype)  # before loading: load_state_dict copies into the parameters' dtype
    if sorted(model.state_dict()) != sorted(STATE_DICT_NAMES):
        sys.exit(f"error: the module's names {sorted(model.state_dict())} differ from {sorted(STATE_DICT_NAMES)}")
    model.load_state_dict(tensors, strict=True)
    return model, meta, metadata


def save_model(model, path, metadata, before_rename=None):
    """Rank 0 writes float64 tensors under the same names and metadata (atomically: temp file, then rename).
    before_rename(sha256 of the new file) runs between the two (the checkpoint is written there)."""
    tensors = {name: t.detach().to(torch.float64) for name, t in model.state_dict().items()}
    save_file(tensors, path + ".tmp", metadata)
    if before_rename:
        before_rename(file_sha256(path + ".tmp"))
    os.replace(path + ".tmp", path)


def zero_state(model, batch, dtype):
    m = model.rnn
    h = torch.zeros(m.num_layers * (2 if m.bidirectional else 1), batch, m.hidden_size, dtype=dtype, device=model.head.weight.device)
    return (h, torch.zeros_like(h)) if isinstance(m, nn.LSTM) else h


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def step_loss_sum(out, target, task):
    """Σ of per-step losses: cross-entropy in nats, or squared error summed over values (series)."""
    if task == "series":
        return ((out - target) ** 2).sum()
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1), reduction="sum")


# ---- eval: the mean loss over the whole file as one sequence from a zero state (tagged: each sequence) --------------

@torch.no_grad()
def evaluate(model, meta, data, dtype):
    task = meta["task"]
    if task == "tag":
        total, count = 0.0, 0
        for ids, tags in data:
            out = model(ids[None], lengths=torch.tensor([len(ids)]))
            total += step_loss_sum(out[0], tags, task).item()
            count += len(ids)
        return total / count, count
    x = data.to(dtype) if task == "series" else data
    steps = len(x) - 1
    state = zero_state(model, 1, dtype)
    total = 0.0
    for p in range(0, steps, EVAL_CHUNK):
        q = min(steps, p + EVAL_CHUNK)
        out, state, _ = model(x[p:q][None], state)
        total += step_loss_sum(out[0], x[p + 1:q + 1], task).item()
    per_value = meta["outputSize"] if task == "series" else 1
    return total / (steps * per_value), steps


`;
