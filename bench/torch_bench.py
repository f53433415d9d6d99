#!/usr/bin/env python3
"""PyTorch peer of bench/run.ts: characters per second of a char LSTM / tanh RNN (one-hot input, nn.LSTM / nn.RNN
batch_first, nn.Linear head, mean cross-entropy, clip_grad_norm_ 5, Adam lr 0.002), training and inference, for
batch sizes given on the command line, on ONE thread (torch.set_num_threads(1)), float32. Prints one JSON object.
Usage: /usr/bin/python3 bench/torch_bench.py SECONDS H V T B1,B2,...
"""
import json
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
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))
