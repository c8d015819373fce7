"""A few lines of protobuf encoding, enough to write ONNX files by hand
(valid ones and broken ones) without the onnx package: shared by
test_hostile.py and test_onnx_cli.py (not a test itself). Field numbers
are onnx.proto's (src/net/onnx/third_party/onnx.proto)."""
import struct


def varint(v):
    v &= (1 << 64) - 1  # negative int64: ten bytes, as protobuf writes them
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def f_varint(field, v):
    return varint(field << 3) + varint(v)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(field << 3 | 2) + varint(len(data)) + data


def f_float(field, v):
    return varint(field << 3 | 5) + struct.pack("<f", v)


FLOAT, INT64 = 1, 7


def tensor(name, dims, dtype=FLOAT, int64s=None, raw=None):
    out = b"".join(f_varint(1, d) for d in dims) + f_varint(2, dtype) + f_bytes(8, name)
    if int64s is not None:
        out += b"".join(f_varint(7, v) for v in int64s)
    if raw is not None:
        out += f_bytes(9, raw)
    return out


def attr_int(name, v):
    return f_bytes(1, name) + f_varint(3, v) + f_varint(20, 2)


def attr_ints(name, vs):
    return f_bytes(1, name) + b"".join(f_varint(8, v) for v in vs) + f_varint(20, 7)


def attr_str(name, s):
    return f_bytes(1, name) + f_bytes(4, s) + f_varint(20, 3)


def node(op, inputs, outputs, name="", attrs=()):
    out = b"".join(f_bytes(1, i) for i in inputs) + b"".join(f_bytes(2, o) for o in outputs)
    if name:
        out += f_bytes(3, name)
    return out + f_bytes(4, op) + b"".join(f_bytes(5, a) for a in attrs)


def value_info(name, dims, dtype=FLOAT):
    """dims: ints, or strings for symbolic dims"""
    shape = b"".join(f_bytes(1, f_varint(1, d) if isinstance(d, int) else f_bytes(2, d)) for d in dims)
    tensor_type = f_varint(1, dtype) + f_bytes(2, shape)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, tensor_type))


def graph(nodes, inputs, outputs, inits=()):
    return (b"".join(f_bytes(1, n) for n in nodes) + f_bytes(2, "g") + b"".join(f_bytes(5, t) for t in inits) +
            b"".join(f_bytes(11, i) for i in inputs) + b"".join(f_bytes(12, o) for o in outputs))


def model(g, opset=13, ir=7):
    out = b""
    if ir is not None:
        out += f_varint(1, ir)
    out += f_bytes(2, "nnbench-test")
    if g is not None:
        out += f_bytes(7, g)
    if opset is not None:
        out += f_bytes(8, f_bytes(1, "") + f_varint(2, opset))
    return out


def conv_net(batch="N", c=3, h=16, w=16, k=8, extra_nodes=(), extra_inits=(), out="y"):
    """input x (batch x c x h x w) -> Conv 3x3 pad 1 (weights W, bias B) -> Relu -> y"""
    nodes = [node("Conv", ["x", "W", "B"], ["c1"], "conv1", [attr_ints("kernel_shape", [3, 3]),
                                                          attr_ints("pads", [1, 1, 1, 1])]),
             node("Relu", ["c1"], ["y"], "relu1")] + list(extra_nodes)
    inits = [tensor("W", [k, c, 3, 3]), tensor("B", [k])] + list(extra_inits)
    return model(graph(nodes, [value_info("x", [batch, c, h, w])], [value_info(out, [batch, k, h, w])], inits))
