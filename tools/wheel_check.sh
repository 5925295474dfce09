#!/usr/bin/env bash
# Build offergen's wheel, install it into a fresh virtual environment and, far from this
# checkout (so only what the wheel ships can be used), go from an empty folder to a PDF:
# init, fill in the placeholders, a catalog item, a client and an offer, build. Then the
# same for `init --example`. Needs PyPI (or pip's cache) for the dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

step() { echo "wheel-check: $*"; }

# Build from a copy of the files git knows: a build in the checkout would leave build/ with
# stale modules that end up in later wheels.
mkdir "$scratch/source"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$scratch/source"
step "building the wheel"
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  -w "$scratch/dist" "$scratch/source"
wheel=$(ls "$scratch"/dist/offergen-*.whl)
step "installing $(basename "$wheel") into a fresh venv"
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
offergen="$scratch/venv/bin/offergen"

mkdir "$scratch/home"
cd "$scratch/home"
shipped=$("$scratch/venv/bin/python" -c 'import offergen.workspace as w; print(w.SHIPPED_TEMPLATES)')
case "$shipped" in
  "$scratch/venv/"*) ;;
  *) echo "wheel-check: the installed package reads templates from $shipped" >&2; exit 1 ;;
esac

step "init, fill in, a client and an offer, build"
"$offergen" init ours >/dev/null
if "$offergen" -C ours check 2>/dev/null; then
  echo "wheel-check: check passed a workspace with placeholders" >&2; exit 1
fi
cat >ours/catalog.yaml <<'YAML'
items:
  - sku: pump-cn100
    name: {ru: Насос центробежный ЦН-100, en: Centrifugal pump CN-100}
    unit: {ru: шт., en: pcs}
    price: 125000.00
YAML
if "$offergen" new --help >/dev/null 2>&1; then
  "$offergen" -C ours new client acme --kind company --name "ООО «Ромашка»" --inn 7707083893
  created=$("$offergen" -C ours new offer --client acme)
  echo "$created"
  offer=$(grep -o 'offers/[a-z0-9._-]*\.yaml' <<<"$created" | head -1)
  offer=$(basename "${offer:?new offer printed no offers/<id>.yaml}" .yaml)
else  # `new` is not in this build yet: the files it would write, by hand
  step "(no 'offergen new' in this build: writing the client and the offer by hand)"
  printf '%s\n' 'name: ООО «Ромашка»' 'kind: company' 'inn: "<ИНН>"' 'kpp: "<КПП>"' \
    'ogrn: "<ОГРН>"' 'address: "<Адрес>"' >ours/clients/acme.yaml
  printf '%s\n' 'number: КП-2026-0001' 'client: acme' 'date: 2026-11-28' 'items:' \
    '  - sku: "<sku>"' '    qty: 2' >ours/offers/acme-2026-001.yaml
  offer=acme-2026-001
fi
"$scratch/venv/bin/python" "$checkout/tools/fill_placeholders.py" ours >/dev/null
"$offergen" -C ours check
"$offergen" -C ours build "$offer" >/dev/null
test -s "ours/out/$offer/proposal.pdf" || { echo "wheel-check: no ours/out/$offer/proposal.pdf" >&2; exit 1; }

step "init --example, build"
"$offergen" init --example demo >/dev/null
"$offergen" -C demo build >/dev/null
built=$(find demo/out -name proposal.pdf | wc -l)
offers=$(find demo/offers -name '*.yaml' | wc -l)
test "$built" -eq "$offers" || { echo "wheel-check: $built proposals for $offers offers" >&2; exit 1; }
step "ok: a workspace of its own and the example built from the wheel alone ($((built + 1)) proposals)"
