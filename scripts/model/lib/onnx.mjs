// Writes ONNX models (ModelProto) with protobufjs from a small builder API.
//
// Only the part of onnx.proto a plain inference graph needs is declared
// below; field numbers and enum values are those of onnx/onnx.proto (ONNX
// 1.12, IR version 8). protobufjs writes fields in declaration order, so the
// same graph always gives the same bytes.
import protobuf from 'protobufjs';

const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
              },
            },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType values. */
export const DataType = Object.freeze({ FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 });
/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 };

const ELEM = {
  float32: { type: DataType.FLOAT, Array: Float32Array },
  int8: { type: DataType.INT8, Array: Int8Array },
  uint8: { type: DataType.UINT8, Array: Uint8Array },
  int32: { type: DataType.INT32, Array: Int32Array },
  int64: { type: DataType.INT64, Array: BigInt64Array },
};

/** Little-endian bytes of a typed array (ONNX raw_data is little-endian). */
function littleEndianBytes(arr) {
  if (arr.BYTES_PER_ELEMENT === 1) return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice();
  const out = new Uint8Array(arr.byteLength);
  const view = new DataView(out.buffer);
  if (arr instanceof Float32Array) for (let i = 0; i < arr.length; i++) view.setFloat32(i * 4, arr[i], true);
  else if (arr instanceof Int32Array) for (let i = 0; i < arr.length; i++) view.setInt32(i * 4, arr[i], true);
  else if (arr instanceof BigInt64Array) for (let i = 0; i < arr.length; i++) view.setBigInt64(i * 8, arr[i], true);
  else throw new Error(`onnx: unsupported array type ${arr.constructor.name}`);
  return out;
}

/**
 * An initializer / constant tensor.
 * @param {string} name
 * @param {'float32'|'int8'|'uint8'|'int32'|'int64'} type
 * @param {number[]} dims
 * @param {ArrayLike<number> | ArrayLike<bigint>} data - row-major, product(dims) values
 */
export function tensor(name, type, dims, data) {
  const e = ELEM[type];
  if (e === undefined) throw new Error(`onnx: unknown tensor type ${type}`);
  const n = dims.reduce((a, b) => a * b, 1);
  const arr = data instanceof e.Array ? data : e.Array.from(type === 'int64' ? Array.from(data, (x) => BigInt(x)) : data);
  if (arr.length !== n) throw new Error(`onnx: tensor ${name} has ${arr.length} values, dims ${JSON.stringify(dims)} need ${n}`);
  return { name, dataType: e.type, dims, rawData: littleEndianBytes(arr) };
}

/**
 * A graph input or output.
 * @param {string} name
 * @param {'float32'|'int64'|'int32'} type
 * @param {Array<number|string>} shape - numbers are fixed sizes, strings symbolic ones
 */
export function valueInfo(name, type, shape) {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[type].type,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * A node. Attribute values: number (int unless `floatAttrs` lists it), number[] (ints), string.
 * @param {string} opType
 * @param {string[]} inputs
 * @param {string[]} outputs
 * @param {Record<string, number|number[]|string>} [attrs]
 * @param {string[]} [floatAttrs]
 */
export function node(opType, inputs, outputs, attrs = {}, floatAttrs = []) {
  const attribute = Object.keys(attrs)
    .sort()
    .map((name) => {
      const v = attrs[name];
      if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
      if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
      if (floatAttrs.includes(name)) return { name, type: AttrType.FLOAT, f: v };
      return { name, type: AttrType.INT, i: v };
    });
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

/**
 * Serialises a model.
 * @param {object} m
 * @param {string} m.name - graph name
 * @param {object[]} m.nodes
 * @param {object[]} m.initializers
 * @param {object[]} m.inputs
 * @param {object[]} m.outputs
 * @param {number} [m.opset] - default-domain opset @defaultValue 17
 * @param {string} [m.producer]
 * @param {string} [m.doc]
 * @param {Record<string, string>} [m.metadata] - metadata_props
 * @returns {Uint8Array}
 */
export function encodeModel({ name, nodes, initializers, inputs, outputs, opset = 17, producer = 'minivectordb', doc = '', metadata = {} }) {
  const msg = {
    irVersion: 8,
    producerName: producer,
    producerVersion: '1',
    docString: doc,
    graph: { node: nodes, name, initializer: initializers, input: inputs, output: outputs },
    opsetImport: [{ domain: '', version: opset }],
    metadataProps: Object.keys(metadata)
      .sort()
      .map((key) => ({ key, value: metadata[key] })),
  };
  const err = ModelProto.verify(msg);
  if (err) throw new Error(`onnx: invalid model: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(msg)).finish();
}
