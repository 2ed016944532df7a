"""TensorFlow GraphDef messages without TensorFlow.

The messages are declared here as a FileDescriptorProto with TensorFlow's own field numbers
(tensorflow/core/framework/{graph,node_def,attr_value,tensor,tensor_shape,types,versions}.proto),
so that google.protobuf serialises and parses the exact wire format TensorFlow reads and writes.
Only the fields a frozen inference graph needs are declared; unknown fields (e.g. a function
library) survive parsing untouched.

Helpers build Const / Placeholder / op nodes and convert TensorProto <-> numpy.
"""

from __future__ import annotations

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool

try:  # protobuf >= 4.21
    from google.protobuf.message_factory import GetMessageClass as _get_class
except ImportError:  # pragma: no cover - older protobuf
    from google.protobuf import message_factory as _mf

    _get_class = _mf.MessageFactory().GetPrototype

# DataType enum values (types.proto).
DT_FLOAT = 1
DT_DOUBLE = 2
DT_INT32 = 3
DT_INT64 = 9

_NP_OF_DT = {DT_FLOAT: np.float32, DT_DOUBLE: np.float64, DT_INT32: np.int32, DT_INT64: np.int64}
_DT_OF_NP = {np.dtype(v): k for k, v in _NP_OF_DT.items()}

# GraphDef versions written by the exporter: producer 27 is what TensorFlow 1.13 (the seed's
# TensorFlow 1.x era) stamps; min_consumer 0 lets any TensorFlow 1.x/2.x read it.
GRAPH_PRODUCER = 27

_F = descriptor_pb2.FieldDescriptorProto
_OPT, _REP = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED


def _field(msg, name, number, ftype, label=_OPT, type_name=None, packed=False):
    f = msg.field.add(name=name, number=number, type=ftype, label=label)
    if type_name:
        f.type_name = type_name
    if packed:
        f.options.packed = True
    return f


def _build_pool() -> descriptor_pool.DescriptorPool:
    fd = descriptor_pb2.FileDescriptorProto(
        name="mpcc/tensorflow_graph.proto", package="tensorflow", syntax="proto3")

    enum = fd.enum_type.add(name="DataType")
    for name, num in (("DT_INVALID", 0), ("DT_FLOAT", 1), ("DT_DOUBLE", 2), ("DT_INT32", 3),
                      ("DT_UINT8", 4), ("DT_INT16", 5), ("DT_INT8", 6), ("DT_STRING", 7),
                      ("DT_COMPLEX64", 8), ("DT_INT64", 9), ("DT_BOOL", 10)):
        enum.value.add(name=name, number=num)

    shape = fd.message_type.add(name="TensorShapeProto")
    dim = shape.nested_type.add(name="Dim")
    _field(dim, "size", 1, _F.TYPE_INT64)
    _field(dim, "name", 2, _F.TYPE_STRING)
    _field(shape, "dim", 2, _F.TYPE_MESSAGE, _REP, ".tensorflow.TensorShapeProto.Dim")
    _field(shape, "unknown_rank", 3, _F.TYPE_BOOL)

    tensor = fd.message_type.add(name="TensorProto")
    _field(tensor, "dtype", 1, _F.TYPE_ENUM, type_name=".tensorflow.DataType")
    _field(tensor, "tensor_shape", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.TensorShapeProto")
    _field(tensor, "version_number", 3, _F.TYPE_INT32)
    _field(tensor, "tensor_content", 4, _F.TYPE_BYTES)
    _field(tensor, "float_val", 5, _F.TYPE_FLOAT, _REP, packed=True)
    _field(tensor, "double_val", 6, _F.TYPE_DOUBLE, _REP, packed=True)
    _field(tensor, "int_val", 7, _F.TYPE_INT32, _REP, packed=True)
    _field(tensor, "string_val", 8, _F.TYPE_BYTES, _REP)
    _field(tensor, "int64_val", 10, _F.TYPE_INT64, _REP, packed=True)

    attr = fd.message_type.add(name="AttrValue")
    lst = attr.nested_type.add(name="ListValue")
    _field(lst, "s", 2, _F.TYPE_BYTES, _REP)
    _field(lst, "i", 3, _F.TYPE_INT64, _REP, packed=True)
    _field(lst, "f", 4, _F.TYPE_FLOAT, _REP, packed=True)
    _field(lst, "b", 5, _F.TYPE_BOOL, _REP, packed=True)
    _field(lst, "type", 6, _F.TYPE_ENUM, _REP, ".tensorflow.DataType", packed=True)
    _field(lst, "shape", 7, _F.TYPE_MESSAGE, _REP, ".tensorflow.TensorShapeProto")
    _field(lst, "tensor", 8, _F.TYPE_MESSAGE, _REP, ".tensorflow.TensorProto")
    attr.oneof_decl.add(name="value")
    for name, num, ftype, tname in (
            ("list", 1, _F.TYPE_MESSAGE, ".tensorflow.AttrValue.ListValue"),
            ("s", 2, _F.TYPE_BYTES, None),
            ("i", 3, _F.TYPE_INT64, None),
            ("f", 4, _F.TYPE_FLOAT, None),
            ("b", 5, _F.TYPE_BOOL, None),
            ("type", 6, _F.TYPE_ENUM, ".tensorflow.DataType"),
            ("shape", 7, _F.TYPE_MESSAGE, ".tensorflow.TensorShapeProto"),
            ("tensor", 8, _F.TYPE_MESSAGE, ".tensorflow.TensorProto"),
            ("placeholder", 9, _F.TYPE_STRING, None)):
        _field(attr, name, num, ftype, type_name=tname).oneof_index = 0

    node = fd.message_type.add(name="NodeDef")
    entry = node.nested_type.add(name="AttrEntry")
    entry.options.map_entry = True
    _field(entry, "key", 1, _F.TYPE_STRING)
    _field(entry, "value", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.AttrValue")
    _field(node, "name", 1, _F.TYPE_STRING)
    _field(node, "op", 2, _F.TYPE_STRING)
    _field(node, "input", 3, _F.TYPE_STRING, _REP)
    _field(node, "device", 4, _F.TYPE_STRING)
    _field(node, "attr", 5, _F.TYPE_MESSAGE, _REP, ".tensorflow.NodeDef.AttrEntry")

    versions = fd.message_type.add(name="VersionDef")
    _field(versions, "producer", 1, _F.TYPE_INT32)
    _field(versions, "min_consumer", 2, _F.TYPE_INT32)
    _field(versions, "bad_consumers", 3, _F.TYPE_INT32, _REP, packed=True)

    graph = fd.message_type.add(name="GraphDef")
    _field(graph, "node", 1, _F.TYPE_MESSAGE, _REP, ".tensorflow.NodeDef")
    _field(graph, "versions", 4, _F.TYPE_MESSAGE, type_name=".tensorflow.VersionDef")

    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return pool


_POOL = _build_pool()


def _cls(name):
    return _get_class(_POOL.FindMessageTypeByName("tensorflow." + name))


GraphDef = _cls("GraphDef")
NodeDef = _cls("NodeDef")
AttrValue = _cls("AttrValue")
TensorProto = _cls("TensorProto")
TensorShapeProto = _cls("TensorShapeProto")


# ---------------------------------------------------------------- tensors

def shape_proto(dims) -> "TensorShapeProto":
    s = TensorShapeProto()
    for d in dims:
        s.dim.add(size=int(d))
    return s


def tensor_proto(array: np.ndarray) -> "TensorProto":
    """A TensorProto holding `array` as little-endian tensor_content (as TensorFlow writes
    non-scalar constants)."""
    a = np.asarray(array)
    dt = _DT_OF_NP.get(a.dtype)
    if dt is None:
        raise ValueError(f"unsupported dtype {a.dtype}")
    t = TensorProto(dtype=dt, tensor_shape=shape_proto(a.shape))
    t.tensor_content = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
    return t


def tensor_to_numpy(t: "TensorProto") -> np.ndarray:
    """Decodes a TensorProto as TensorFlow does: tensor_content if present, else the typed
    *_val field, where a shorter list is padded with its last value (a single value fills)."""
    if t.dtype not in _NP_OF_DT:
        raise ValueError(f"unsupported TensorProto dtype {t.dtype}")
    np_type = np.dtype(_NP_OF_DT[t.dtype]).newbyteorder("<")
    shape = tuple(d.size for d in t.tensor_shape.dim)
    count = int(np.prod(shape, dtype=np.int64))
    if t.tensor_content:
        flat = np.frombuffer(t.tensor_content, dtype=np_type)
    else:
        vals = {DT_FLOAT: t.float_val, DT_DOUBLE: t.double_val,
                DT_INT32: t.int_val, DT_INT64: t.int64_val}[t.dtype]
        flat = np.array(list(vals), dtype=np_type)
        if flat.size < count:
            fill = flat[-1] if flat.size else np_type.type(0)
            flat = np.concatenate([flat, np.full(count - flat.size, fill, dtype=np_type)])
    if flat.size != count:
        raise ValueError(f"tensor has {flat.size} values for shape {shape}")
    return flat.reshape(shape).astype(np_type.newbyteorder("="))


# ---------------------------------------------------------------- attrs

def attr_type(dt: int) -> "AttrValue":
    return AttrValue(type=dt)


def attr_ints(values) -> "AttrValue":
    a = AttrValue()
    a.list.i.extend(int(v) for v in values)
    return a


def attr_str(s: str) -> "AttrValue":
    return AttrValue(s=s.encode())


def attr_bool(b: bool) -> "AttrValue":
    return AttrValue(b=bool(b))


def attr_value_to_python(a: "AttrValue"):
    """A readable Python value for an AttrValue (for dumps and the interpreter)."""
    kind = a.WhichOneof("value")
    if kind == "list":
        lst = a.list
        for f in ("s", "i", "f", "b", "type", "shape", "tensor"):
            vals = getattr(lst, f)
            if len(vals):
                if f == "s":
                    return [v.decode() for v in vals]
                if f == "shape":
                    return [[d.size for d in s.dim] for s in vals]
                if f == "tensor":
                    return [tensor_to_numpy(t) for t in vals]
                return list(vals)
        return []
    if kind == "s":
        return a.s.decode()
    if kind == "shape":
        return None if a.shape.unknown_rank else [d.size for d in a.shape.dim]
    if kind == "tensor":
        return tensor_to_numpy(a.tensor)
    if kind is None:
        return None
    return getattr(a, kind)


# ---------------------------------------------------------------- graph building

class GraphBuilder:
    """Appends NodeDefs with TensorFlow-style unique names (`Conv2D`, `Conv2D_1`, ...)."""

    def __init__(self):
        self.graph = GraphDef()
        self.graph.versions.producer = GRAPH_PRODUCER
        self._used: dict[str, int] = {}
        self._names: set[str] = set()

    def unique(self, base: str) -> str:
        """TensorFlow's Graph.unique_name: the first use of a name is bare, later ones get _N."""
        n = self._used.get(base, 0)
        name = base if n == 0 else f"{base}_{n}"
        while name in self._names:
            n += 1
            name = f"{base}_{n}"
        self._used[base] = n + 1
        self._names.add(name)
        return name

    def node(self, name: str, op: str, inputs=(), **attrs) -> str:
        if any(n.name == name for n in self.graph.node):
            raise ValueError(f"duplicate node name {name}")
        nd = self.graph.node.add(name=name, op=op)
        nd.input.extend(inputs)
        for k, v in attrs.items():
            nd.attr[k].CopyFrom(v)
        self._names.add(name)
        return name

    def const(self, name: str, value: np.ndarray) -> str:
        value = np.asarray(value)
        return self.node(name, "Const", dtype=attr_type(_DT_OF_NP[value.dtype]),
                         value=AttrValue(tensor=tensor_proto(value)))

    def placeholder(self, name: str, shape, dtype=DT_FLOAT) -> str:
        return self.node(name, "Placeholder", dtype=attr_type(dtype),
                         shape=AttrValue(shape=shape_proto(shape)))

    def serialize(self) -> bytes:
        return self.graph.SerializeToString(deterministic=True)


def load_graph(path) -> "GraphDef":
    g = GraphDef()
    with open(path, "rb") as f:
        g.ParseFromString(f.read())
    return g


def dump_graph(g: "GraphDef", max_values: int = 4) -> str:
    """One line per node: name, op, inputs, attrs (constants summarised)."""
    lines = [f"versions: producer={g.versions.producer} min_consumer={g.versions.min_consumer}"]
    for nd in g.node:
        parts = []
        for k in sorted(nd.attr):
            v = attr_value_to_python(nd.attr[k])
            if isinstance(v, np.ndarray):
                flat = v.reshape(-1)[:max_values]
                v = f"{v.dtype}{list(v.shape)} [{', '.join(f'{x:.6g}' for x in flat)}" \
                    f"{', ...' if v.size > max_values else ''}]"
            parts.append(f"{k}={v}")
        lines.append(f"{nd.name} = {nd.op}({', '.join(nd.input)}) {{{'; '.join(parts)}}}")
    return "\n".join(lines)
