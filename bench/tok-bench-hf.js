// tok-bench-hf.js - HuggingFace tokenizers timed the way bench/tok-bench times
// gk: the "text" of every JSON line of FILE, encoded REPEATS times with special
// tokens, one rayon thread (set RAYON_NUM_THREADS=1), after loading; prints
// the same line as tok-bench.
//
//   RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false NODE_PATH=/tmp/node_modules \
//       node bench/tok-bench-hf.js TOKENIZER.json FILE.jsonl [REPEATS]
'use strict';
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const [file, input, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg || 5);
const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
(async () => {
  const l0 = process.hrtime.bigint();
  const tok = Tokenizer.fromFile(file);
  const load = Number(process.hrtime.bigint() - l0) / 1e9;
  await tok.encodeBatch(texts.slice(0, 100), { addSpecialTokens: true });
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let r = 0; r < repeats; r++) {
    const es = await tok.encodeBatch(texts, { addSpecialTokens: true });
    for (const e of es) n += e.getLength();
  }
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  const nt = texts.length * repeats;
  console.log(`load ${load.toFixed(3)} s; ${nt} texts, ${(bytes * repeats / 1e6).toFixed(1)} MB, ${n} tokens in ${dt.toFixed(3)} s: ` +
    `${(nt / dt).toFixed(0)} texts/s, ${(bytes * repeats / 1e6 / dt).toFixed(2)} MB/s, ${(n / dt).toFixed(0)} tokens/s`);
})();
