// hf-tokenize.js - the reference for gk-tokenize on whole corpora: token ids
// from HuggingFace tokenizers (npm package `tokenizers`, the Rust library's
// node binding) for every record of a JSON lines file, with the special
// tokens added and truncation to MAX tokens, as sentence-transformers calls
// it (truncation=longest_first, max_length=MAX).
//
//   NODE_PATH=/tmp/node_modules node tests/reference/hf-tokenize.js \
//       TOKENIZER.json MAX [PREFIX] < records.jsonl > golden.jsonl
//
// PREFIX, when given, is put before every text (a prompt).
// Writes {"id": ..., "ids": [...]} per record; ids from "_id" or "id".
// Get the package with: cd /tmp && npm install tokenizers@0.23.2
'use strict';
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

const [file, max, prefix = ''] = process.argv.slice(2);
const tok = Tokenizer.fromFile(file);
tok.setTruncation(Number(max), { strategy: 'LongestFirst' });
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
(async () => {
  for (const line of lines) {
    const r = JSON.parse(line);
    const enc = await tok.encode(prefix + r.text, null, { addSpecialTokens: true });
    process.stdout.write(JSON.stringify({ id: r._id ?? r.id, ids: Array.from(enc.getIds()) }) + '\n');
  }
})();
