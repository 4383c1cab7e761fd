#!/usr/bin/env bash
# The whole SWF flow of the seed document (shared/seed/swf-gebruik.txt), played with the
# `swfvault` CLI against a fresh swfvault-emulator (demo seed, test PKI), checking every step:
# the exit code, the answer, and the notificaties each party gets (deleted after reading).
#
#   scripts/scenario.sh [--build DIR] [--swfvault BIN] [--emulator BIN] [--pki DIR] [WORKDIR]
#     --build DIR  build tree with swfvault and swfvault-emulator (default: build)
#     --swfvault BIN, --emulator BIN  the binaries (default: in the build tree)
#     --pki DIR    test PKI (default: DIR/test-pki, made with scripts/gen-test-pki.sh if absent)
#     WORKDIR      scratch directory, removed and made anew (default: a mktemp directory)
#
# Prints one line per check (PASS/FAIL) and exits 1 when any check failed, 2 on setup errors.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$root/build
pki=""
work=""
swf=""
emu=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --pki) pki=$2; shift 2 ;;
    --swfvault) swf=$2; shift 2 ;;
    --emulator) emu=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) work=$1; shift ;;
  esac
done
pki=${pki:-$build/test-pki}
swf=${swf:-$build/swfvault}
emu=${emu:-$build/swfvault-emulator}
for bin in "$swf" "$emu"; do
  [[ -x $bin ]] || { echo "scenario: $bin not built" >&2; exit 2; }
done
[[ -s $pki/ca.crt ]] || scripts/gen-test-pki.sh "$pki" > /dev/null || exit 2
if [[ -z $work ]]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/swfvault-scenario.XXXXXX")
else
  rm -rf "$work" && mkdir -p "$work"
fi

GA=00000001000000001000    # gemeente-a, bevoegd gezag
GB=00000001000000002000    # gemeente-b, bevoegd gezag, mandated the leverancier
OD=00000001000000003000    # omgevingsdienst, behandeldienst
AB=00000009000000004000    # adviesbureau, ketenpartner
LV=00000009000000005000    # leverancier, software supplier

# --- emulator and config ---
source "$root/scripts/lib/emulator.sh"
trap stop_emulator EXIT
start_emulator "$emu" "$pki" "$work" --seed "$root/fixtures/emulator/demo-seed.json" || exit 2
port=$EMU_PORT
{
  echo "base_url = \"https://127.0.0.1:$port/overheid/samenwerken/api/behandelen/v5\""
  echo "ca = \"$pki/ca.crt\""
  echo "vault = \"$work/vault\""
  for org in gemeente-a:$GA gemeente-b:$GB omgevingsdienst:$OD adviesbureau:$AB leverancier:$LV; do
    echo "[profile.${org%%:*}]"
    echo "oin = \"${org##*:}\""
    echo "cert = \"$pki/${org%%:*}.crt\""
    echo "key = \"$pki/${org%%:*}.key\""
  done
} > "$work/swfvault.toml"

# --- checking helpers ---
passed=0
failed=0
rc=0
out=$work/last.out
err=$work/last.err

step() { echo; echo "== $*"; }
pass() { passed=$((passed + 1)); echo "PASS  $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; sed 's/^/      /' "$err" | head -n 5; }

# as ORG [--oin OIN] args...: runs swfvault --json as the profile ORG; sets rc, out, err.
as() {
  local org=$1; shift
  "$swf" --config "$work/swfvault.toml" --profile "$org" --json "$@" > "$out" 2> "$err"
  rc=$?
  echo "$org: swfvault $*" >> "$work/commands.log"
}

# expect_rc CODE WHAT: the last command exited with CODE.
expect_rc() {
  if [[ $rc -eq $1 ]]; then pass "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1"; fi
}

# j PYEXPR: evaluates PYEXPR over the last output. `items` = the JSON lines, `summary` = the
# last summary line, `of(type)` = the items of a type. Prints the result.
j() {
  python3 - "$out" "$1" <<'PY'
import json, sys
items = []
for line in open(sys.argv[1]):
    try: items.append(json.loads(line))
    except ValueError: pass
summary = next((i for i in reversed(items) if i.get("type") == "summary"), {})
of = lambda t: [i for i in items if i.get("type") == t]
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))
PY
}

# expect EXPR WANT WHAT: j EXPR prints WANT.
expect() {
  local got
  got=$(j "$1")
  if [[ $got == "$2" ]]; then pass "$3"; else fail "$3: got '$got', expected '$2'"; fi
}

# notified ORG "TYPE,TYPE,...": ORG's notificaties are exactly these types (sorted; "" = none);
# then they are deleted.
notified() {
  local org=$1 want=$2
  as "$org" notificatie list
  local got ids
  got=$(j "','.join(sorted(n['notificatieType'] for n in of('notificatie')))")
  if [[ $got == "$want" ]]; then pass "$org notified: ${want:-nothing}"; else fail "$org notified: got '$got', expected '${want:-nothing}'"; fi
  ids=$(j "' '.join(n['notificatieId'] for n in of('notificatie'))")
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086
    as "$org" notificatie delete $ids
    [[ $rc -eq 0 ]] || fail "$org could not delete its notificaties (exit $rc)"
  fi
}

# quiet_all: every party's notificaties are as listed (none when not given).
quiet_all() {
  local org
  for org in gemeente-a gemeente-b omgevingsdienst adviesbureau; do notified "$org" "${1:-}"; done
}

# --- the flow ---
step "0. every party starts with an empty notificatie feed"
for org in gemeente-a gemeente-b omgevingsdienst adviesbureau leverancier; do
  as "$org" notificatie delete --alle
  expect_rc 0 "$org clears its feed"
done

step "1. gemeente-a starts a samenwerking from verzoek 12026001 with its werkmap documents"
as gemeente-a samenwerking start --verzoek 12026001 --titel "Dakopbouw Kerkplein 3" \
  --beschrijving "Advies geluid en constructie" --met-documenten
expect_rc 0 "samenwerking started"
SAM=$(j "summary.get('samenwerkingId', '')")
expect "summary.get('status')" OPEN "samenwerking $SAM is OPEN"
as gemeente-a document list "$SAM"
expect "summary.get('count')" 4 "the 4 werkmap documents are in the samenwerking"
notified gemeente-a VERZOEK_OPHALEN_GESLAAGD

step "1b. refusals: the adviesbureau may not start one, a leverancier not without mandate"
as adviesbureau samenwerking start --verzoek 12026002 --titel x
expect_rc 8 "adviesbureau (ketenpartner) starting a samenwerking is refused"
grep -q "bevoegd gezag" "$out" && pass "the server's reason is shown" || fail "no reason shown"

step "2. gemeente-a invites the omgevingsdienst with VOLLEDIGE_TOEGANG"
as gemeente-a deelnemer invite "$SAM" $OD --naam "Omgevingsdienst Regio" --privilege VOLLEDIGE_TOEGANG
expect_rc 0 "omgevingsdienst invited"
expect "summary.get('privilege')" VOLLEDIGE_TOEGANG "with full access"
notified omgevingsdienst UITNODIGING_KETENPARTNER
notified gemeente-a ""

step "3. gemeente-a invites the adviesbureau with BEPERKTE_TOEGANG"
as gemeente-a deelnemer invite "$SAM" $AB --naam "Adviesbureau Groen & Water" --privilege beperkt
expect_rc 0 "adviesbureau invited"
expect "summary.get('privilege')" BEPERKTE_TOEGANG "with limited access"
notified adviesbureau UITNODIGING_KETENPARTNER
notified omgevingsdienst UITNODIGING_KETENPARTNER
as gemeente-a deelnemer list "$SAM"
expect "summary.get('count')" 3 "three deelnemers"

step "3b. refusal: the omgevingsdienst is not the initiator and may not invite"
as omgevingsdienst deelnemer invite "$SAM" $GB --naam "Gemeente B" --privilege beperkt
expect_rc 8 "omgevingsdienst inviting is refused"
grep -q initiator "$out" && pass "the server's reason is shown" || fail "no reason shown"

step "4. the adviesbureau (beperkte toegang) sees the werkmap without the SV document"
as adviesbureau document list "$SAM"
expect_rc 0 "adviesbureau lists documents"
expect "summary.get('count')" 3 "3 of 4 werkmap documents visible"
expect "[d['documentId'] for d in of('document') if d.get('vertrouwelijkheidsAanduiding') == 'SV']" "[]" "no SV document among them"

step "5. gemeente-a uploads an RV and an SV document"
printf 'Geluidsrapport Kerkplein 3\n' > "$work/geluidsrapport.txt"
printf 'Persoonsgegevens aanvrager\n' > "$work/persoonsgegevens.txt"
as gemeente-a document add "$SAM" "$work/geluidsrapport.txt" --level RV --omschrijving Geluidsrapport
expect_rc 0 "RV document uploaded"
RVDOC=$(j "summary.get('documentId', '')")
notified omgevingsdienst DOCUMENT_TOEGEVOEGD
notified adviesbureau DOCUMENT_TOEGEVOEGD
as gemeente-a document add "$SAM" "$work/persoonsgegevens.txt" --level SV --omschrijving Persoonsgegevens
expect_rc 0 "SV document uploaded"
SVDOC=$(j "summary.get('documentId', '')")
expect "summary.get('level')" SV "labelled SV"
notified omgevingsdienst DOCUMENT_TOEGEVOEGD
notified adviesbureau ""
as adviesbureau document show "$SVDOC"
expect_rc 9 "the adviesbureau cannot see the SV document"
as adviesbureau document get "$SVDOC" -o "$work/sv-by-adviesbureau"
expect_rc 9 "nor download it"
[[ ! -e $work/sv-by-adviesbureau ]] && pass "no file written" || fail "an SV file was written"
as omgevingsdienst document get "$SVDOC" -o "$work/sv-by-omgevingsdienst"
expect_rc 0 "the omgevingsdienst (volledige toegang) downloads it"
cmp -s "$work/sv-by-omgevingsdienst" "$work/persoonsgegevens.txt" && pass "content identical" || fail "content differs"

step "6. gemeente-a issues an actieverzoek to the adviesbureau"
as gemeente-a actieverzoek create "$SAM" --ontvanger $AB --titel "Advies geluid" \
  --omschrijving "Graag een geluidsadvies" --document "$RVDOC"
expect_rc 0 "actieverzoek created"
AV=$(j "summary.get('actieverzoekId', '')")
expect "summary.get('status')" OPEN "status OPEN"
notified adviesbureau ACTIEVERZOEK_ONTVANGEN
notified omgevingsdienst ""
as gemeente-a actieverzoek accepteren "$AV"
expect_rc 8 "accepteren an OPEN actieverzoek is refused (illegal transition)"

step "7. the adviesbureau takes it in behandeling, sends a bericht, uploads and reports gereed"
as adviesbureau actieverzoek list "$SAM"
expect "[a['actieverzoekId'] for a in of('actieverzoek')]" "[\"$AV\"]" "the adviesbureau sees the actieverzoek"
as adviesbureau actieverzoek behandelen "$AV" --melding "We gaan aan de slag"
expect "summary.get('status')" IN_BEHANDELING "IN_BEHANDELING"
notified gemeente-a STATUS_ACTIEVERZOEK_GEWIJZIGD
as adviesbureau bericht send "$AV" "Is de bouwtekening actueel?"
expect_rc 0 "bericht sent"
notified gemeente-a NIEUW_BERICHT
as gemeente-a bericht list "$AV"
expect "[b['inhoud'] for b in of('bericht')]" '["Is de bouwtekening actueel?"]' "gemeente-a reads the bericht"
printf 'Geluidsadvies: akkoord\n' > "$work/advies.txt"
as adviesbureau document add "$SAM" "$work/advies.txt" --omschrijving Geluidsadvies
expect_rc 0 "the adviesbureau uploads its advies"
notified gemeente-a DOCUMENT_TOEGEVOEGD
notified omgevingsdienst DOCUMENT_TOEGEVOEGD
as adviesbureau actieverzoek gereedmelden "$AV" --melding "Advies bijgevoegd"
expect "summary.get('status')" GEREEDGEMELD "GEREEDGEMELD"
notified gemeente-a STATUS_ACTIEVERZOEK_GEWIJZIGD

step "8. gemeente-a accepts"
as gemeente-a actieverzoek accepteren "$AV"
expect "summary.get('status')" GEREED "GEREED"
notified adviesbureau STATUS_ACTIEVERZOEK_GEWIJZIGD
quiet_all

step "9. the adviesbureau gets full access, then is removed"
as adviesbureau document list "$SAM"
expect "len([d for d in of('document') if d.get('vertrouwelijkheidsAanduiding') == 'SV'])" 0 "still no SV document before the change"
as gemeente-a deelnemer privilege "$SAM" $AB volledig
expect "summary.get('privilege')" VOLLEDIGE_TOEGANG "adviesbureau now has VOLLEDIGE_TOEGANG"
notified adviesbureau PRIVILEGE_GEWIJZIGD
notified omgevingsdienst PRIVILEGE_GEWIJZIGD
as adviesbureau document list "$SAM"
expect "len([d for d in of('document') if d.get('vertrouwelijkheidsAanduiding') == 'SV'])" 2 "with full access it sees both SV documents"
as gemeente-a deelnemer remove "$SAM" $AB
expect_rc 0 "adviesbureau removed"
notified adviesbureau DEELNEMER_VERWIJDERD
notified omgevingsdienst DEELNEMER_VERWIJDERD
as adviesbureau document list "$SAM"
[[ $rc -ne 0 ]] && pass "the removed adviesbureau no longer reads the samenwerking (exit $rc)" || fail "removed adviesbureau still reads it"

step "10. gemeente-a stops the samenwerking; it is closed for changes; then deletes it"
as gemeente-a samenwerking stop "$SAM"
expect "summary.get('status')" GESLOTEN "GESLOTEN"
notified omgevingsdienst SAMENWERKING_GESLOTEN
as gemeente-a document add "$SAM" "$work/advies.txt"
expect_rc 8 "upload to a GESLOTEN samenwerking is refused"
as gemeente-a samenwerking delete "$SAM"
expect_rc 0 "samenwerking deleted"
as gemeente-a samenwerking show "$SAM"
expect_rc 9 "it is gone"
# Each of its seven documents goes (five RV, two SV), and those who could see it are told (rule
# 6): the omgevingsdienst, with volledige toegang, of every one.
notified omgevingsdienst DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD
quiet_all

step "11. the leverancier acts for gemeente-b through its mandate"
as leverancier --oin $GB samenwerking start --verzoek 22026001 --titel "Namens Gemeente B" --met-documenten
expect_rc 0 "leverancier starts a samenwerking for gemeente-b"
SAM2=$(j "summary.get('samenwerkingId', '')")
expect "of('samenwerking')[0].get('aangemaaktDoor')" $GB "aangemaaktDoor is gemeente-b"
as leverancier --oin $GB deelnemer invite "$SAM2" $OD --naam "Omgevingsdienst Regio" --privilege volledig
expect_rc 0 "leverancier invites the omgevingsdienst for gemeente-b"
notified omgevingsdienst UITNODIGING_KETENPARTNER
notified gemeente-b VERZOEK_OPHALEN_GESLAAGD
as gemeente-b samenwerking list
expect "'$SAM2' in [s['samenwerkingId'] for s in of('samenwerking')]" true "gemeente-b sees it as its own"
as leverancier --oin $OD samenwerking list
expect_rc 4 "leverancier acting for the omgevingsdienst (no mandate) is refused as an identity problem"
as leverancier samenwerking start --verzoek 22026002 --titel x
expect_rc 8 "leverancier acting as itself may not start a samenwerking"
as leverancier --oin $GB samenwerking stop "$SAM2"
expect "summary.get('status')" GESLOTEN "leverancier stops it for gemeente-b"
notified omgevingsdienst SAMENWERKING_GESLOTEN
as leverancier --oin $GB samenwerking delete "$SAM2"
expect_rc 0 "and deletes it"
notified omgevingsdienst DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD,DOCUMENT_VERWIJDERD
quiet_all

echo
echo "scenario: $passed passed, $failed failed (work dir $work)"
[[ $failed -eq 0 ]]
