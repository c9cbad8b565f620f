// encode-ort.js - the ONNX Runtime peer of bench/encode.sh: the model that
// bench/encode-torch.py --export wrote, run by onnxruntime-node (CPU) as a
// user runs it: batches of 32 padded to their longest sequence with an
// attention mask, sequences sorted by length first as sentence-transformers
// sorts them ("input" keeps file order), all graph optimisations on,
// intraOpNumThreads = THREADS, one inter-op thread.  The time covers the
// batch loop (padding included) after one untimed warm-up batch; creating
// the session is not timed.  Prints key=value lines (cpu_seconds: the
// process's CPU time over the same loop, all threads).
//
//   node bench/encode-ort.js MODEL.onnx FILE.jsonl THREADS [sorted|input] [K OUT.json]
//
// OUT.json gets the hidden states of the first K sequences of the file,
// {"0": [[...], ...], ...}, for encode-check.py.  Not a test.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
	const [model, file, threadsArg, order = 'sorted', dumpK, dumpOut] = process.argv.slice(2);
	const threads = Number(threadsArg), batch = 32, want = Number(dumpK || 0);
	const seqs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
	const session = await ort.InferenceSession.create(model, {
		intraOpNumThreads: threads,
		interOpNumThreads: 1,
		executionMode: 'sequential',
		graphOptimizationLevel: 'all',
	});
	const idx = seqs.map((_, i) => i);
	if (order === 'sorted')
		idx.sort((a, b) => seqs[b].ids.length - seqs[a].ids.length || a - b);
	const groups = [];
	for (let a = 0; a < idx.length; a += batch)
		groups.push(idx.slice(a, a + batch));

	function feeds(group) {
		const L = Math.max(...group.map((i) => seqs[i].ids.length)), n = group.length * L;
		const ids = new BigInt64Array(n), types = new BigInt64Array(n), mask = new BigInt64Array(n);
		group.forEach((i, r) => {
			const s = seqs[i];
			for (let t = 0; t < s.ids.length; t++) {
				ids[r * L + t] = BigInt(s.ids[t]);
				types[r * L + t] = BigInt(s.type_ids ? s.type_ids[t] : 0);
				mask[r * L + t] = 1n;
			}
		});
		const dims = [group.length, L];
		return {
			input_ids: new ort.Tensor('int64', ids, dims),
			token_type_ids: new ort.Tensor('int64', types, dims),
			attention_mask: new ort.Tensor('int64', mask, dims),
		};
	}

	await session.run(feeds(groups[0])); // warm-up
	const dump = {};
	let padded = 0;
	const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
	for (const g of groups) {
		const f = feeds(g);
		const out = (await session.run(f)).last_hidden_state;
		const [, L, H] = out.dims;
		padded += g.length * L;
		g.forEach((i, r) => {
			if (i >= want)
				return;
			const rows = [];
			for (let t = 0; t < seqs[i].ids.length; t++)
				rows.push(Array.from(out.data.subarray((r * L + t) * H, (r * L + t + 1) * H)));
			dump[i] = rows;
		});
	}
	const sec = Number(process.hrtime.bigint() - t0) / 1e9, c = process.cpuUsage(c0);
	const cpu = (c.user + c.system) / 1e6;
	const tokens = seqs.reduce((n, s) => n + s.ids.length, 0);
	const version = require('onnxruntime-node/package.json').version;
	console.log(`onnxruntime_node=${version}\npadded_tokens=${padded}\nsequences=${seqs.length}\ntokens=${tokens}\nseconds=${sec.toFixed(3)}\ncpu_seconds=${cpu.toFixed(3)}\ntokens_per_s=${(tokens / sec).toFixed(0)}`);
	if (dumpOut)
		fs.writeFileSync(dumpOut, JSON.stringify(dump));
}

main().catch((e) => {
	console.error(`encode-ort.js: ${e.message}`);
	process.exit(1);
});
