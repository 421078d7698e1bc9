# Shared by the benchmark scripts: timing with /usr/bin/time and medians.
# Expects $G (a scratch directory) to be set by the caller.

measure() { # label, command...: prints "label seconds peak-KB"
  local label=$1; shift
  warm
  /usr/bin/time -f "%e %M" -o "$G/time" "$@" > "$G/out.$label" 2> "$G/err.$label" || true
  read -r secs kb < <(tail -n 1 "$G/time")
  echo "$label $secs $kb"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ratio() { # wirecompat-seconds wirecompat-KB buf-seconds buf-KB
  python3 - "$@" <<'PY'
import sys
ws, wm, bs, bm = map(float, sys.argv[1:])
print(f"ratio: wirecompat is {bs/ws:.1f}x faster and uses {wm/bm:.2f} of buf's peak memory (1/{bm/wm:.1f})")
PY
}
