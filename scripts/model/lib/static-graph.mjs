// The ONNX graph of a static (bag-of-words) embedding model:
//
//   input_ids [batch, seq] int64, attention_mask [batch, seq] int64
//     row[b,t]  = next_is_piece[b,t] ? prefix_row[id] : word_row[id]
//                 (next_is_piece: the token after t is a "##" continuation,
//                  i.e. t starts a word the vocabulary did not know whole)
//     x[b,t,:]  = table[row] (int8) · scale[row] · mask[b,t]
//     sum[b,:]  = Σ_t x[b,t,:] + bias
//   sentence_embedding [batch, dim] float32 = sum / max(‖sum‖₂, 1e-12)
//
// `scale` folds the int8 dequantisation step and the word's importance into
// one float per row. `bias` is a tiny fixed vector so that a text without any
// known token still gets a unit vector (the same for all such texts).
import { encodeModel, node, tensor, valueInfo } from './onnx.mjs';

/**
 * @param {object} m
 * @param {Int8Array} m.table - rows × dim
 * @param {Float32Array} m.scale - rows
 * @param {Int32Array} m.wordRow - vocabulary size
 * @param {Int32Array} m.prefixRow - vocabulary size
 * @param {number} m.contStart - first vocabulary id of a "##" continuation piece
 * @param {Float32Array} m.bias - dim
 * @param {Record<string, string>} [m.metadata]
 * @param {string} [m.doc]
 * @returns {Uint8Array} the .onnx bytes
 */
export function staticEmbeddingModel({ table, scale, wordRow, prefixRow, contStart, bias, metadata = {}, doc = '' }) {
  const dim = bias.length;
  const rows = scale.length;
  if (table.length !== rows * dim) throw new Error(`static-graph: table has ${table.length} values, expected ${rows}×${dim}`);
  if (wordRow.length !== prefixRow.length) throw new Error('static-graph: wordRow and prefixRow differ in length');
  for (const r of [wordRow, prefixRow]) for (let i = 0; i < r.length; i++) if (r[i] < 0 || r[i] >= rows) throw new Error(`static-graph: row index ${r[i]} out of range at id ${i}`);
  const vocab = wordRow.length;

  const initializers = [
    tensor('table', 'int8', [rows, dim], table),
    tensor('scale', 'float32', [rows], scale),
    tensor('word_row', 'int32', [vocab], wordRow),
    tensor('prefix_row', 'int32', [vocab], prefixRow),
    tensor('bias', 'float32', [dim], bias),
    tensor('cont_start', 'int64', [], [contStart]),
    tensor('eps', 'float32', [], [1e-12]),
    tensor('slice_start', 'int64', [1], [1]),
    tensor('slice_end', 'int64', [1], [9223372036854775807n]),
    tensor('axis1', 'int64', [1], [1]),
    tensor('axis2', 'int64', [1], [2]),
    tensor('pad_last', 'int64', [4], [0, 0, 0, 1]),
    tensor('zero_id', 'int64', [], [0]),
  ];
  const nodes = [
    // is the next token a continuation piece?
    node('Slice', ['input_ids', 'slice_start', 'slice_end', 'axis1'], ['next_ids_short']),
    node('Pad', ['next_ids_short', 'pad_last', 'zero_id'], ['next_ids'], { mode: 'constant' }),
    node('GreaterOrEqual', ['next_ids', 'cont_start'], ['next_is_piece']),
    // table row per token
    node('Gather', ['word_row', 'input_ids'], ['rows_word'], { axis: 0 }),
    node('Gather', ['prefix_row', 'input_ids'], ['rows_prefix'], { axis: 0 }),
    node('Where', ['next_is_piece', 'rows_prefix', 'rows_word'], ['rows']),
    // dequantised, weighted, masked token vectors
    node('Gather', ['table', 'rows'], ['q'], { axis: 0 }),
    node('Cast', ['q'], ['qf'], { to: 1 }),
    node('Gather', ['scale', 'rows'], ['row_scale'], { axis: 0 }),
    node('Cast', ['attention_mask'], ['mask_f'], { to: 1 }),
    node('Mul', ['row_scale', 'mask_f'], ['token_weight']),
    node('Unsqueeze', ['token_weight', 'axis2'], ['token_weight3']),
    node('Mul', ['qf', 'token_weight3'], ['token_vectors']),
    // pool and normalise
    node('ReduceSum', ['token_vectors', 'axis1'], ['summed'], { keepdims: 0 }),
    node('Add', ['summed', 'bias'], ['biased']),
    node('ReduceL2', ['biased'], ['norm'], { axes: [1], keepdims: 1 }),
    node('Max', ['norm', 'eps'], ['norm_safe']),
    node('Div', ['biased', 'norm_safe'], ['sentence_embedding']),
  ];
  return encodeModel({
    name: 'static_embedding',
    nodes,
    initializers,
    inputs: [valueInfo('input_ids', 'int64', ['batch', 'sequence']), valueInfo('attention_mask', 'int64', ['batch', 'sequence'])],
    outputs: [valueInfo('sentence_embedding', 'float32', ['batch', dim])],
    opset: 17,
    doc,
    metadata,
  });
}
