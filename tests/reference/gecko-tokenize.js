// gecko-tokenize.js - token ids of the Gecko golden texts from HuggingFace
// tokenizers (npm `tokenizers`), composed as sentence-transformers does:
// the prompt string, then the text, tokenized as one string with the
// tokenizer's special tokens (EmbeddingGemma: <bos> ... <eos>;
// Qwen3-Embedding: ... <|endoftext|>).  EmbeddingGemma's documents use the
// record's title: "title: TITLE | text: " ("none" when it has none).
//
//   NODE_PATH=/tmp/node_modules node tests/reference/gecko-tokenize.js \
//       TOKENIZER.json SET[@MAX]:PROMPT:FILE... > ids.json
//
// PROMPT is a string, or the word @gemma-document for the title form.
// MAX truncates to MAX tokens, special tokens kept, as sentence-transformers
// does with max_seq_length (truncation=longest_first).
// Writes {"SET": [[ids...], ...], ...}.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

const [file, ...specs] = process.argv.slice(2);
const tok = Tokenizer.fromFile(file);
(async () => {
  const out = {};
  for (const spec of specs) {
    const a = spec.indexOf(':'), b = spec.lastIndexOf(':');
    const [name, max] = spec.slice(0, a).split('@');
    const prompt = spec.slice(a + 1, b), path = spec.slice(b + 1);
    if (max) tok.setTruncation(Number(max), { strategy: 'LongestFirst' });
    else tok.disableTruncation();
    out[name] = [];
    for (const line of fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0)) {
      const rec = JSON.parse(line);
      const p = prompt === '@gemma-document' ? `title: ${rec.title || 'none'} | text: ` : prompt;
      const enc = await tok.encode(p + rec.text, null, { addSpecialTokens: true });
      out[name].push(Array.from(enc.getIds()));
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
