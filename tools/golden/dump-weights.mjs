// Writes the seeded random weights of a tiny-model spec as JSON for the PyTorch golden scripts.
// Usage (after `node scripts/build.mjs`): node tools/golden/dump-weights.mjs SPEC.json OUT.json
// The numbers come from the same TypeScript generator the unit tests use (compiled in out/).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { gpt2TensorSpecs, encoderTensorSpecs } = require('../../out/src/engine/graph/tensorSpecs.js');
const { randomWeights } = require('../../out/test/support/randomWeights.js');
const [specPath, outPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const specsFor = { gpt2: gpt2TensorSpecs, encoder: encoderTensorSpecs };
const weights = randomWeights(specsFor[spec.family](spec.config), spec.seed);
const tensors = {};
for (const [name, { dims, data }] of weights) tensors[name] = { dims, data: Array.from(data) };
writeFileSync(outPath, JSON.stringify({ spec, tensors }));
console.log(`${weights.size} tensors → ${outPath}`);
