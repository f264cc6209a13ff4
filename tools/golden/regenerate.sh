#!/bin/sh
# Regenerates every golden file in test/fixtures/tiny-models from its *.spec.json: the weights come
# from our seeded TypeScript generator (compiled in out/ by `node scripts/build.mjs`), the numbers
# from the independent PyTorch implementations here. Needs Debian's torch:
#   apt-get install -y python3-torch libopenblas0-pthread   (run with /usr/bin/python3.11)
# Byte-identical output on a rerun; only commit a changed golden file with a reason.
set -eu
cd "$(dirname "$0")/../.."
fixtures=test/fixtures/tiny-models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "$fixtures"/*.spec.json; do
  name=$(basename "$spec" .spec.json)        # gpt2-tiny, bert-real-vocab, ...
  golden="$fixtures/${name%-tiny}-golden.json" # gpt2-tiny -> gpt2-golden.json
  case "$(node -p "require('./$spec').family")" in
    gpt2) script=tools/golden/gpt2_golden.py ;;
    *) script=tools/golden/encoder_golden.py ;;
  esac
  node tools/golden/dump-weights.mjs "$spec" "$tmp/weights.json" > /dev/null
  /usr/bin/python3.11 "$script" "$tmp/weights.json" "$golden"
  echo "$golden"
done
