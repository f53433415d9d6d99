#!/usr/bin/env python3
"""PyTorch peer of bench/run.ts: characters per second of a char LSTM / tanh RNN (one-hot input, nn.LSTM / nn.RNN
batch_first, nn.Linear head, mean cross-entropy, clip_grad_norm_ 5, Adam lr 0.002), training and inference, for
batch sizes given on the command line, on ONE thread (torch.set_num_threads(1)), float32. Prints one JSON object.
It also says which BLAS library the process really loaded (read from /proc/self/maps after a matrix product, since
Debian's torch links the libblas.so.3 that update-alternatives points at: the reference BLAS unless
libopenblas0-pthread is installed), and this machine's float32 matrix-product peak in GFLOP/s as that BLAS reaches it
(a 1024x1024 sgemm on one thread and on every core): the ceiling against which chars/s are read.
Usage: /usr/bin/python3 bench/torch_bench.py SECONDS H V T B1,B2,...
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

seconds, H, V, T = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
batches = [int(b) for b in sys.argv[5].split(",")]
torch.set_num_threads(1)
torch.manual_seed(1)
N = 100_000
ids = torch.randint(0, V, (N,))


def measure(step):
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        step()
    start = time.perf_counter()
    chars = 0
    now = start
    while now < start + seconds:
        chars += step()
        now = time.perf_counter()
    return chars / (now - start)




def blas_library():
    """The BLAS shared object mapped into this process, and its family (openblas, mkl, blis, reference)."""
    a = torch.randn(64, 64)
    (a @ a).sum().item()
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[5].lower() or "mkl" in parts[5].lower() or "blis" in parts[5].lower()):
                paths.add(os.path.realpath(parts[5]))
    names = " ".join(sorted(paths)).lower()
    kind = "openblas" if "openblas" in names else "mkl" if "mkl" in names else "blis" if "blis" in names else "reference" if "blas" in names else "unknown"
    # torch's own build line names only how it was linked (BLAS_INFO=generic: the system's libblas.so.3).
    config = [w.strip(",") for w in torch.__config__.show().split() if w.startswith("BLAS_INFO=")]
    return {"kind": kind, "libraries": sorted(paths), "config": config}


def sgemm_peak(threads, n=1024):
    """GFLOP/s of an n x n x n float32 matrix product (2 n^3 FLOP) on `threads` threads, best of a few seconds."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    best = 0.0
    end = time.perf_counter() + max(1.0, seconds / 2)
    while time.perf_counter() < end:
        t = time.perf_counter()
        torch.mm(a, b)
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    torch.set_num_threads(1)
    return best


blas = blas_library()
cores = os.cpu_count() or 1
peak = {"1": sgemm_peak(1), str(cores): sgemm_peak(cores)}

results = {}
for cell in ("lstm", "rnn"):
    for B in batches:
        rnn = torch.nn.LSTM(V, H, batch_first=True) if cell == "lstm" else torch.nn.RNN(V, H, batch_first=True)
        head = torch.nn.Linear(H, V)
        params = list(rnn.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=0.002)
        S = (N - 1) // B
        state = {"p": 0, "h": None}

        def batch():
            if state["p"] + T > S:
                state["p"] = 0
                state["h"] = None
            p = state["p"]
            idx = torch.arange(B).unsqueeze(1) * S + p + torch.arange(T).unsqueeze(0)
            state["p"] = p + T
            return F.one_hot(ids[idx], V).float(), ids[idx + 1]

        def train():
            x, y = batch()
            out, h = rnn(x, state["h"])
            loss = F.cross_entropy(head(out).reshape(-1, V), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            state["h"] = tuple(s.detach() for s in h) if cell == "lstm" else h.detach()
            return B * T

        def infer():
            with torch.no_grad():
                x, y = batch()
                out, h = rnn(x, state["h"])
                F.cross_entropy(head(out).reshape(-1, V), y.reshape(-1)).item()
                state["h"] = h
            return B * T

        results[f"{cell}/train/{B}"] = measure(train)
        results[f"{cell}/infer/{B}"] = measure(infer)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "peak": peak, "results": results}))
