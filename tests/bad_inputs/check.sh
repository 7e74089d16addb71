#!/bin/sh
# Runs `marketsim run` on one catalogued bad input (tests/bad_inputs/*.toml) and checks the
# refusal: exit code 2, every "# expect:" line of the file in stderr, nothing on stdout, no
# output folder. "# args:" lines add arguments; a relative --out is taken in the file's folder.
set -u
cli=$1
file=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$file")" || exit 1
name=$(basename "$file")
args=$(sed -n 's/^# args: //p' "$name" | tr '\n' ' ')
case "$args" in
  *--out*) out="" ;;
  *) out="--out $work/out" ;;
esac
# shellcheck disable=SC2086  # the arguments are split as written in the file
"$cli" run "$name" --paths 1000 $out $args >"$work/stdout" 2>"$work/stderr"
rc=$?
failed=0
complain() {
    echo "FAILED: $1"
    failed=1
}
[ "$rc" -eq 2 ] || complain "exit code $rc, expected 2"
sed -n 's/^# expect: //p' "$name" >"$work/expect"
[ -s "$work/expect" ] || complain "the file has no '# expect:' line"
while IFS= read -r line; do
    grep -qF -- "$line" "$work/stderr" || complain "stderr lacks: $line"
done <"$work/expect"
[ -s "$work/stdout" ] && complain "stdout is not empty"
[ -e "$work/out" ] && complain "an output folder was written"
[ "$(wc -l <"$work/stderr")" -eq 1 ] || complain "stderr is not one line"
echo "stderr: $(cat "$work/stderr")"
exit "$failed"
