#!/usr/bin/env bash
# Fails when a committed file is a compiled executable (ELF, Mach-O, PE or WebAssembly), has
# the executable bit without being a script, or is larger than 1 MiB and not in the
# allow-list beside this script. Build outputs belong in bin/ (ignored), never in Git: one
# unstripped binary once made 97% of the repository's history.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

limit=$((1024 * 1024))
allow="hack/check-files/large-files.txt"
status=0

allowed() { grep -qxF -- "$1" <(grep -v '^#' "$allow"); }

while IFS=$'\t' read -r meta path; do
  mode=${meta%% *}
  [[ -f "$path" ]] || continue # deleted in the work tree, not yet committed
  magic=$(head -c 4 "$path" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    7f454c46 | cffaedfe | cefaedfe | feedfacf | feedface | cafebabe | 0061736d | 4d5a*)
      echo "compiled executable committed: $path (build outputs go in bin/)" >&2
      status=1
      ;;
  esac
  if [[ "$mode" == 100755 && "$(head -c 2 "$path")" != "#!" ]]; then
    echo "executable bit on a file that is not a script: $path" >&2
    status=1
  fi
  size=$(stat -c %s "$path")
  if ((size > limit)) && ! allowed "$path"; then
    echo "file over 1 MiB committed: $path ($size bytes); add it to $allow if it must be" >&2
    status=1
  fi
done < <(git ls-files -s)

exit "$status"
