#!/bin/sh
# Unit tests: privacy-mint, the token minting CLI ($MINT).  Ends with the
# line "unit: N passed, M failed" like the C tests.

MINT=${MINT:-build/privacy-mint}

passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n    got:  %s\n    want: %s\n' "$1" "$3" "$2"
    fi
}

# the pinned token of test_token.c, by the CLI
printf '  kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n\n' > "$tmp/k1"
printf 'a second key, rotated in later..' > "$tmp/k2"
printf 'short key\n' > "$tmp/short"

pinned=AblOJUkAAQIDBAUGBwgJCgsMDQ4PAAAAAGVT8QAAAAAAZkE_AMmNwdZzj1xi
pinned=${pinned}AAAABQJ2MeEjNHvb4uGRdFQlE98SreK14zaDU5mGGy3jqdSc3l6T

t=$("$MINT" --key-file "$tmp/k1" --policy v1 \
    --categories necessary:essential,analytics,marketing \
    --grant necessary,marketing --issued 1700000000 --expires 1715552000 \
    --id 000102030405060708090A0B0C0D0E0F)
check "pinned token" "$pinned" "$t"

out=$("$MINT" --decode --key-file "$tmp/k1" --policy v1 --now 1700000001 \
      "$pinned")
check "decode exit status" 0 $?
check "decode output" "status: ok
key_id: b94e2549
consent_id: 000102030405060708090a0b0c0d0e0f
issued: 1700000000
expires: 1715552000
categories_fp: c98dc1d6738f5c62
granted: 0x00000005 necessary marketing
policy: v1
gpc: 0
check: ok" "$out"

# --gpc: the decision came with Sec-GPC: 1, a flag beside the grants
t=$("$MINT" --key-file "$tmp/k1" --policy v1 --grant necessary --gpc)
out=$("$MINT" --decode --key-file "$tmp/k1" --policy v1 "$t" \
      | grep -e '^granted' -e '^gpc')
check "gpc flag" "granted: 0x00000001 necessary
gpc: 1" "$out"

out=$("$MINT" --decode --key-file "$tmp/k1" --now 1715552000 "$pinned" \
      | tail -n 1)
check "decode check, expired first" "check: expired" "$out"

out=$("$MINT" --decode --key-file "$tmp/k1" --now 1700000001 "$pinned" \
      | tail -n 1)
check "decode check, other policy" "check: policy" "$out"

out=$("$MINT" --decode --key-file "$tmp/k1" --policy v1 --now 1700000001 \
      --categories necessary,analytics,marketing "$pinned" | tail -n 1)
check "decode check, other categories" "check: categories" "$out"

# defaults: now, 180 days, all granted, random ids
now=$(date +%s)
t=$("$MINT" --key-file "$tmp/k1")
out=$("$MINT" --decode --key-file "$tmp/k1" "$t")
issued=$(printf '%s\n' "$out" | sed -n 's/^issued: //p')
expires=$(printf '%s\n' "$out" | sed -n 's/^expires: //p')
check "default issued is now" 1 $((issued >= now && issued <= now + 5))
check "default ttl" 15552000 $((expires - issued))
check "default grant" "granted: 0x00000007 necessary analytics marketing" \
    "$(printf '%s\n' "$out" | grep '^granted')"
check "default check" "check: ok" "$(printf '%s\n' "$out" | tail -n 1)"

t2=$("$MINT" --key-file "$tmp/k1")
check "random consent ids" 1 $([ "$t" != "$t2" ] && echo 1)

t=$("$MINT" --key-file "$tmp/k1" --grant none --ttl 60 --issued 100)
out=$("$MINT" --decode --key-file "$tmp/k1" --now 120 "$t")
check "grant none" "granted: 0x00000000" \
    "$(printf '%s\n' "$out" | grep '^granted')"
check "ttl" "expires: 160" "$(printf '%s\n' "$out" | grep '^expires')"

# rotation: signed by k2, decoded with both
t=$("$MINT" --key-file "$tmp/k2" --grant analytics)
out=$("$MINT" --decode --key-file "$tmp/k1" --key-file "$tmp/k2" "$t" \
      | head -n 1)
check "rotated key" "status: ok" "$out"

out=$("$MINT" --decode --key-file "$tmp/k1" "$t")
check "retired key exit status" 1 $?
check "retired key" "status: unknown_key" "$out"

out=$("$MINT" --decode --key-file "$tmp/k1" "${pinned}A")
check "malformed" "status: malformed" "$out"

# errors
"$MINT" --key-file "$tmp/short" >/dev/null 2>&1
check "short key refused" 2 $?
"$MINT" --key-file "$tmp/missing" >/dev/null 2>&1
check "missing key file" 2 $?
"$MINT" >/dev/null 2>&1
check "no key" 2 $?
"$MINT" --key-file "$tmp/k1" --grant ads >/dev/null 2>&1
check "unknown category granted" 2 $?
"$MINT" --key-file "$tmp/k1" --id 0011 >/dev/null 2>&1
check "short id" 2 $?
"$MINT" --key-file "$tmp/k1" --ttl 5 --expires 6 >/dev/null 2>&1
check "ttl and expires" 2 $?
"$MINT" --key-file "$tmp/k1" --issued -5 >/dev/null 2>&1
check "negative issued" 2 $?
"$MINT" --key-file "$tmp/k1" --categories a,a >/dev/null 2>&1
check "duplicate category" 2 $?
"$MINT" --key-file "$tmp/k1" --categories a:optional >/dev/null 2>&1
check "unknown flag" 2 $?
"$MINT" --key-file "$tmp/k1" --policy \
    0123456789012345678901234567890123456789012345678901234567890123X \
    >/dev/null 2>&1
check "policy too long" 2 $?
"$MINT" --decode --key-file "$tmp/k1" >/dev/null 2>&1
check "decode without token" 2 $?

echo "unit: $passed passed, $failed failed"

[ "$failed" -eq 0 ]
