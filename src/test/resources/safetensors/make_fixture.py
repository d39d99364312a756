#!/usr/bin/env python3
"""Writes fixture.safetensors from the safetensors specification, with the standard library only
(no torch, no safetensors package), so the Java reader is checked against bytes it did not write.

The file is the state_dict of torch.nn.LSTM(2, 3, num_layers=2, batch_first=True) named "lstm"
and torch.nn.Linear(3, 2) named "head": features 2, hidden size 3, layers 2, horizon 2.

Weights follow a formula of the tensor's position t in TENSORS and the flat (row-major) index i:
    value(t, i) = ((7 * i + 3 * t) % 23 - 11) / 32
Every value is a multiple of 1/32, so float32 holds it exactly and the Java test can compare with ==.

Layout (https://github.com/huggingface/safetensors, "Format"):
    8 bytes   N, unsigned little-endian 64-bit: the size of the header
    N bytes   UTF-8 JSON: {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
              ..., "__metadata__": {"key": "value"}}, padded with spaces
    the rest  the tensors' bytes, little-endian; offsets count from the end of the header
Run: python3 make_fixture.py [OUT]  (writes OUT, by default fixture.safetensors beside this script)
"""
import json
import os
import struct
import sys

FEATURES, HIDDEN, LAYERS, HORIZON = 2, 3, 2, 2

TENSORS = []
for layer in range(LAYERS):
    inputs = FEATURES if layer == 0 else HIDDEN
    TENSORS += [
        ("lstm.weight_ih_l%d" % layer, [4 * HIDDEN, inputs]),
        ("lstm.weight_hh_l%d" % layer, [4 * HIDDEN, HIDDEN]),
        ("lstm.bias_ih_l%d" % layer, [4 * HIDDEN]),
        ("lstm.bias_hh_l%d" % layer, [4 * HIDDEN]),
    ]
TENSORS += [("head.weight", [HORIZON, HIDDEN]), ("head.bias", [HORIZON])]


def value(t, i):
    return ((7 * i + 3 * t) % 23 - 11) / 32


def main():
    header = {
        "__metadata__": {
            "format": "flink-online-lstm",
            "format_version": "1",
            "features": str(FEATURES),
            "hidden_size": str(HIDDEN),
            "layers": str(LAYERS),
            "horizon": str(HORIZON),
            "target": "delta",
        }
    }
    data = b""
    # The data goes in name order, not in TENSORS' order, as the reference writer may do:
    # a reader must follow data_offsets, not assume the header's order.
    positions = {name: t for t, (name, _) in enumerate(TENSORS)}
    for name, shape in sorted(TENSORS):
        count = 1
        for d in shape:
            count *= d
        t = positions[name]
        chunk = struct.pack("<%df" % count, *[value(t, i) for i in range(count)])
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(chunk)]}
        data += chunk
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "fixture.safetensors")
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
