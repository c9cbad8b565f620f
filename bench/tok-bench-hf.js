// tok-bench-hf.js - the HF tokenizers side of bench/tok-bench: encodeBatch of the
// debdesc-small corpus texts (3 times) with special tokens, one rayon thread.
//   RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false NODE_PATH=/tmp/node_modules node bench/tok-bench-hf.js
// Expects tokenizer.json files under /tmp/tokx/m/NAME/ (see bench/tok-results.md).
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const texts = fs.readFileSync('/work/shared/data/debdesc-small/corpus.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l).text);
(async () => {
for (const t of ['bert-bge', 'gpt-2', 'llama-spm', 'gemma3', 'qwen3']) {
  const tok = Tokenizer.fromFile(`/tmp/tokx/m/${t}/tokenizer.json`);
  await tok.encodeBatch(texts.slice(0, 100), { addSpecialTokens: true });
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let r = 0; r < 3; r++) { const es = await tok.encodeBatch(texts, { addSpecialTokens: true }); for (const e of es) n += e.getLength(); }
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${t}: ${3 * texts.length} texts ${n} tokens in ${dt.toFixed(3)} s: ${(n / dt).toFixed(0)} tokens/s`);
}})();
