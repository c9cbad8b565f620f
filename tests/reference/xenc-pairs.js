// xenc-pairs.js - the (query, passage) pairs gk-relabel --cross-encoder
// should score, tokenized independently of gk by HuggingFace tokenizers (npm
// `tokenizers`) as sentence-transformers' CrossEncoder does it: [CLS] query
// [SEP] passage [SEP], type ids 0 then 1, truncation longest_first to MAX
// tokens.  The passage is its title and text joined by a space (just the
// text when there is no title), as BEIR's reranker builds it.
//
//   NODE_PATH=/tmp/node_modules node tests/reference/xenc-pairs.js \
//       TOKENIZER.json MAX PASSAGES.jsonl HITS.json > pairs.jsonl
//
// Writes one line per query: {"id", "pairs": [{"id", "ids", "type_ids"}...]}
// for every hit, in the hits' order.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const [tokPath, max, passagesPath, hitsPath] = process.argv.slice(2);
const passages = {};
for (const l of fs.readFileSync(passagesPath, 'utf8').split('\n').filter((x) => x)) {
  const p = JSON.parse(l);
  passages[p._id ?? p.id] = p;
}
const records = fs.readFileSync(hitsPath, 'utf8').split('\n').filter((x) => x).map((l) => JSON.parse(l)).filter((r) => !('gk' in r));
const tok = Tokenizer.fromFile(tokPath);
tok.setTruncation(Number(max), { strategy: 'LongestFirst' });
(async () => {
  for (const r of records) {
    const pairs = [];
    for (const h of r.hits) {
      const p = passages[h.id];
      const text = p.title ? p.title + ' ' + p.text : p.text;
      const e = await tok.encode(r.text, text, { addSpecialTokens: true });
      pairs.push({ id: h.id, ids: Array.from(e.getIds()), type_ids: Array.from(e.getTypeIds()) });
    }
    process.stdout.write(JSON.stringify({ id: r.id, pairs }) + '\n');
  }
})();
