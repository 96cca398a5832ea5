#!/usr/bin/env bash
# Checks that every C++ source under engine/ app/ widgets/ tests/ matches .clang-format.
# Tracked and untracked files count (ignored ones and build directories do not).
# Exits 1 and lists the offending files if any differ.
#
#   scripts/check-format.sh          check only (what CI runs)
#   scripts/check-format.sh --fix    rewrite the offending files in place
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

fix=0
case "${1:-}" in
    "") ;;
    --fix) fix=1 ;;
    *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
    echo "check-format: $clang_format not found (scripts/install-deps.sh installs it)" >&2
    exit 2
fi

dirs=(engine app widgets tests)
files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(git ls-files -z --cached --others --exclude-standard -- "${dirs[@]}")
else
    while IFS= read -r -d '' f; do
        files+=("${f#./}")
    done < <(find "${dirs[@]}" -type f -print0 2>/dev/null)
fi

sources=()
for f in "${files[@]}"; do
    case "$f" in
        *.h | *.cpp) ;;
        *) continue ;;
    esac
    # Build trees (build/, build-ci/, ...) anywhere in the path are not sources.
    case "/$f" in
        */build/* | */build-*/* | */cmake-build-*/*) continue ;;
    esac
    [[ -f "$f" ]] && sources+=("$f") # tracked but deleted in the work tree: skip
done

if [[ ${#sources[@]} -eq 0 ]]; then
    echo "check-format: no sources found"
    exit 0
fi

bad=()
for f in "${sources[@]}"; do
    if ! "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done

if [[ ${#bad[@]} -eq 0 ]]; then
    echo "check-format: ${#sources[@]} files checked, all formatted ($("$clang_format" --version | head -n1))"
    exit 0
fi

if [[ $fix -eq 1 ]]; then
    "$clang_format" --style=file -i "${bad[@]}"
    printf 'check-format: reformatted %d file(s):\n' "${#bad[@]}"
    printf '  %s\n' "${bad[@]}"
    exit 0
fi

printf 'check-format: %d of %d file(s) differ from .clang-format:\n' "${#bad[@]}" "${#sources[@]}"
printf '  %s\n' "${bad[@]}"
echo "See the changes with: clang-format ${bad[0]} | diff -u ${bad[0]} -"
echo "Fix them all with:    scripts/check-format.sh --fix"
exit 1
