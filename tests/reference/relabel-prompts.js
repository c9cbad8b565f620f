// relabel-prompts.js - the token sequences gk-relabel should score, made
// independently of gk with HuggingFace tokenizers (npm `tokenizers`): for
// each query of a hits file (JSON lines with a header line) and each of its
// candidates, the QL prompt followed by " " + query (with the index where
// the query's tokens start: past the longest common prefix with the prompt
// alone) and the RC prompt; both with the post-processor's leading special
// tokens and no trailing ones.  Also the ids of " yes" and " no" (the last
// token of each).
//
//   NODE_PATH=/tmp/node_modules node tests/reference/relabel-prompts.js \
//       TOKENIZER.json QL.txt RC.txt PASSAGES.jsonl HITS.json > sequences.json
'use strict';
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const [tokPath, qlPath, rcPath, passagesPath, hitsPath] = process.argv.slice(2);
const strip = (s) => s.replace(/[\r\n]+$/, '');
const ql = strip(fs.readFileSync(qlPath, 'utf8'));
const rc = strip(fs.readFileSync(rcPath, 'utf8'));
const passages = {};
for (const l of fs.readFileSync(passagesPath, 'utf8').split('\n').filter((x) => x)) {
  const p = JSON.parse(l);
  passages[p._id ?? p.id] = p;
}
const records = fs.readFileSync(hitsPath, 'utf8').split('\n').filter((x) => x).map((l) => JSON.parse(l)).filter((r) => !('gk' in r));
const tok = Tokenizer.fromFile(tokPath);
const render = (t, v) => t.replace(/\{(task|query|title|passage)\}/g, (_, k) => v[k]);
(async () => {
  // the ids with leading specials and without trailing ones
  const prompt = async (text) => {
    const e = await tok.encode(text, null, { addSpecialTokens: true });
    const ids = Array.from(e.getIds());
    const special = Array.from(e.getSpecialTokensMask());
    while (ids.length > 1 && special[ids.length - 1]) { ids.pop(); special.pop(); }
    return ids;
  };
  const last = async (text) => { const ids = Array.from((await tok.encode(text, null, { addSpecialTokens: false })).getIds()); return ids[ids.length - 1]; };
  const out = { yes: await last(' yes'), no: await last(' no'), queries: [] };
  for (const r of records) {
    const task = r.task || 'search result';
    const q = { id: r.id, ql: [], rc: [] };
    for (const h of r.hits) {
      const p = passages[h.id];
      const v = { task, query: r.text, title: p.title || '', passage: p.text };
      const alone = await prompt(render(ql, v));
      const whole = await prompt(render(ql, v) + ' ' + r.text);
      let same = 0;
      while (same < alone.length && same < whole.length && alone[same] === whole[same]) same++;
      q.ql.push({ ids: whole, score_from: same });
      q.rc.push({ ids: await prompt(render(rc, v)) });
    }
    out.queries.push(q);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
