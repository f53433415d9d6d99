// The two helper modules an exported PyTorch project ships beside train.py (pytorchTrainScript.ts): safetensors_io.py,
// a tiny reader/writer of the safetensors format (Debian's python3-torch has no `safetensors` module), and
// torchrun_compat.py, torchrun with a launcher bug of torch 1.13 on Python >= 3.11 worked around.

export const SAFETENSORS_IO_PY = String.raw`"""Minimal safetensors reader/writer (https://huggingface.co/docs/safetensors) without the safetensors package.

File layout: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]},
"__metadata__": {str: str}}, then the raw little-endian tensor bytes (offsets relative to the end of the header).
"""
import json
import struct

import numpy as np
import torch

_NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}
_NAME = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.int64: "I64", torch.int32: "I32",
         torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def load_file(path):
    """Returns ({name: tensor}, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path} is too short to be a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in _NUMPY:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(_NUMPY[info["dtype"]])).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(array.dtype.newbyteorder("="), copy=True))
    return tensors, metadata


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} (names sorted, 8-byte aligned header) with optional str → str metadata."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        dtype = _NAME[t.dtype]
        blob = t.numpy().astype(np.dtype(_NUMPY[dtype]), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        chunks.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in chunks:
            f.write(blob)
`;

export const TORCHRUN_COMPAT_PY = String.raw`"""torchrun, working around a launcher bug of torch 1.13 on Python >= 3.11 (Debian's python3-torch).

There torchrun stops before starting any worker with
    AttributeError: 'NoneType' object has no attribute 'get'
because Std.from_str("0") looks the value up by iterating an IntFlag, which no longer yields NONE (0) or ALL (3).
This script fixes that lookup and then runs torch.distributed.run with the same arguments:
    python3 torchrun_compat.py --standalone --nproc_per_node=2 train.py --steps 100
"""
import re
import runpy
import sys

from torch.distributed.elastic.multiprocessing import api


def _from_str(cls, vm):
    if re.match(r"^[0123]$", vm):
        return cls(int(vm))
    return {int(i): cls(int(v)) for i, v in (m.split(":") for m in vm.split(","))}


if api.Std.from_str("0") is None:
    api.Std.from_str = classmethod(_from_str)
sys.argv[0] = "torchrun"
runpy.run_module("torch.distributed.run", run_name="__main__", alter_sys=True)
`;
