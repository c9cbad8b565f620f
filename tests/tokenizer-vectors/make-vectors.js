// make-vectors.js - reference vectors for gk's tokenizer from HuggingFace
// tokenizers (npm package `tokenizers`, the Rust library's node binding).
// Writes vectors.jsonl.xz beside this script: encodings with special tokens,
// pairs, truncation (longest_first), added tokens in the text, and decodes.
// Rerun (needs node and network access to the npm registry):
//   cd /tmp && npm install tokenizers@0.23.2 && \
//   NODE_PATH=/tmp/node_modules node tests/tokenizer-vectors/make-vectors.js
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { Tokenizer } = require('tokenizers');

const here = __dirname;
const data = path.join(here, '..', 'data', 'tokenizers');

function baseJson(name) {
  const xz = path.join(data, name, 'tokenizer.json.xz');
  return JSON.parse(execFileSync('xz', ['-dc', xz], { maxBuffer: 1 << 30 }).toString('utf8'));
}

const variants = JSON.parse(fs.readFileSync(path.join(here, 'variants.json'), 'utf8'));
const bases = ['bert-bge', 'gpt-2', 'llama-spm', 'gemma3', 'qwen3'];

// Apply a variant (replace top-level parts, append added tokens, set model
// fields) the way tests/unit/test-tokenizer-vectors.c does.
function variantJson(v) {
  const j = baseJson(v.base);
  for (const [k, val] of Object.entries(v.set || {})) j[k] = val;
  for (const t of v.append_added_tokens || []) j.added_tokens.push(t);
  for (const [k, val] of Object.entries(v.model_set || {})) j.model[k] = val;
  return j;
}

const texts = [
  'Hello world', ' Hello World!', 'The quick brown fox jumps over the lazy dog.',
  'Führer café naïve résumé', 'İstanbul ΣΊΣΥΦΟΣ straße', '日本語のテキスト and 中文',
  'emoji 🤗🦙 test', '  leading and trailing spaces  ', 'tabs\tand\nnewlines\r\n',
  "don't can't I'm we've they're", '3.14159 12345678 1,000,000 well-known e-mail',
  'def f(x):\n    return x**2  # comment', '', 'a'.repeat(150),
  '[CLS] hi [SEP] there [MASK]', 'hi<|endoftext|>there <|endoftext|>', '<s>hello</s> <unk>',
  '<start_of_turn>user\nHi there<end_of_turn>\n', '<|im_start|>system\nYou are<|im_end|>',
  'x <ent> y <ent>z', 'Foo bar foo Foobar [X]y [X]z', 'unk chars: \u0001 \ufffd \u0300a',
];
const pairs = [
  ['What is the capital of France?', 'Paris is the capital and most populous city of France.'],
  ['short', 'a much longer second sentence that goes on and on for a while'],
  ['a long first sentence that goes on and on for quite a while indeed', 'short b'],
  ['', 'only the pair'],
  ['<s> special in first', 'and [SEP] in second <|endoftext|>'],
];

const out = [];
function enc(tok, a, b, special) {
  return tok.encode(a, b, { addSpecialTokens: special });
}

async function run(name, json) {
  const tok = Tokenizer.fromString(JSON.stringify(json));
  const nSingle = (await enc(tok, 'x', null, true)).getIds().length - (await enc(tok, 'x', null, false)).getIds().length;
  const nPair = (await enc(tok, 'x', 'y', true)).getIds().length - (await enc(tok, 'x', 'y', false)).getIds().length;
  const cases = [];
  for (const t of texts) cases.push([t, null]);
  for (const p of pairs) cases.push(p);
  for (const [a, b] of cases) {
    for (const special of [true, false]) {
      const nAdd = special ? (b === null ? nSingle : nPair) : 0;
      const e = await enc(tok, a, b, special);
      const full = e.getIds().length;
      out.push({ tok: name, text: a, pair: b, special, max: 0, ids: e.getIds(),
                 type_ids: e.getTypeIds(), special_mask: e.getSpecialTokensMask(), truncated: false });
      if (special) {
        for (const skip of [true, false]) {
          out.push({ tok: name, decode: e.getIds(), skip, text: await tok.decode(e.getIds(), skip) });
        }
      }
      // Truncation to a few limits below the full length.
      for (const extra of [0, 1, 3, 8]) {
        const max = nAdd + extra;
        if (max === 0 || max >= full) continue;
        // HF 0.23.2 cuts a pair to one token, when no special tokens are
        // added, in a way that disagrees with its own truncate_encodings
        // (and with the same limit reached with special tokens): left
        // out, see README.md.
        if (b !== null && nAdd === 0 && max === 1) continue;
        tok.setTruncation(max, { strategy: 'LongestFirst' });
        const t = await enc(tok, a, b, special);
        tok.disableTruncation();
        out.push({ tok: name, text: a, pair: b, special, max, ids: t.getIds(),
                   type_ids: t.getTypeIds(), special_mask: t.getSpecialTokensMask(),
                   truncated: true });
      }
    }
  }
  // Decoding of hand-picked ids: byte fallback fragments, unknown bytes.
  const picks = {
    'llama-spm': [['<s>', '▁cat', '<0xC3>', '<0xA9>', '▁', '<0xE2>', '<0x82>', '▁ok', '</s>']],
    'gemma3': [['<bos>', '▁caf', '<0xC3>', '<0xA9>', '<0xE2>', '<0x82>', '▁ok', '<eos>']],
    'gpt-2': [['Hello', 'Ġw', 'Ã', '<|endoftext|>', 'Ġâ', 'Ģ', 'âĤ¬']],
    'bert-bge': [['[CLS]', 'hello', '##s', ',', 'world', '.', 'don', "'", 't', '[SEP]']],
  };
  for (const toks of picks[name] || []) {
    const ids = toks.map((t) => tok.tokenToId(t));
    if (ids.some((i) => i === null || i === undefined)) throw new Error(`${name}: unknown token in ${toks}`);
    for (const skip of [true, false])
      out.push({ tok: name, decode: ids, skip, text: await tok.decode(ids, skip) });
  }
}

(async () => {
  for (const b of bases) await run(b, baseJson(b));
  for (const [name, v] of Object.entries(variants)) await run(name, variantJson(v));
  const file = path.join(here, 'vectors.jsonl.xz');
  const text = out.map((o) => JSON.stringify(o)).join('\n') + '\n';
  fs.writeFileSync(file, execFileSync('xz', ['-9', '-c'], { input: text, maxBuffer: 1 << 30 }));
  console.log(`${file}: ${out.length} vectors`);
})().catch((e) => { console.error(e); process.exit(1); });
