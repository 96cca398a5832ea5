#!/usr/bin/env bash
# The single test command: dependencies, a sanitized GUI-off build and its tests, a normal
# GUI-on build and its tests, and the format check. Runs every step it can, prints a summary
# and exits non-zero if any step failed.
#
# Build trees: build-ci-sanitize/ and build-ci/ in the repository root (reused between runs).
# Environment: JOBS (default 2), FORESIGHT_GENERATOR (default "Unix Makefiles"),
#              SKIP_DEPS=1 to skip scripts/install-deps.sh.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

jobs=${JOBS:-2}
generator=${FORESIGHT_GENERATOR:-Unix Makefiles}
started=$SECONDS
summary=()
failed=0

section() {
    printf '\n==================================================================\n'
    printf '== %s\n' "$*"
    printf '==================================================================\n'
}

# record NAME STATUS START: remembers one step's outcome for the summary.
record() {
    local name=$1 status=$2 start=$3 word=ok
    if [[ $status -ne 0 ]]; then
        word="FAILED (exit $status)"
        failed=1
    fi
    summary+=("$(printf '%-34s %-20s %5ds' "$name" "$word" $((SECONDS - start)))")
}

skip() {
    summary+=("$(printf '%-34s %-20s' "$1" "skipped ($2)")")
    failed=1
}

# configure DIR ARGS...: keeps the generator an existing tree was made with.
configure() {
    local dir=$1
    shift
    local gen_args=(-G "$generator")
    if [[ -f "$dir/CMakeCache.txt" ]]; then
        gen_args=()
    fi
    cmake -S "$root" -B "$dir" "${gen_args[@]}" "$@"
}

finish() {
    section "Summary"
    printf '%s\n' "${summary[@]}"
    printf 'total %ds\n' $((SECONDS - started))
    if [[ $failed -ne 0 ]]; then
        echo "run-tests: FAILED"
        exit 1
    fi
    echo "run-tests: all passed"
    exit 0
}

# ---------------------------------------------------------------------------------------------
section "1/6 Dependencies (scripts/install-deps.sh)"
t=$SECONDS
if [[ ${SKIP_DEPS:-0} == 1 ]]; then
    echo "SKIP_DEPS=1: not installing"
    rc=0
else
    "$root/scripts/install-deps.sh"
    rc=$?
fi
record "dependencies" $rc $t
if [[ $rc -ne 0 ]]; then
    finish
fi

# ---------------------------------------------------------------------------------------------
section "2/6 Sanitized build: GUI off, -Werror, ASan+UBSan (build-ci-sanitize/)"
t=$SECONDS
configure build-ci-sanitize \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DFORESIGHT_GUI=OFF -DFORESIGHT_WERROR=ON -DFORESIGHT_SANITIZE=ON -DFORESIGHT_TESTS=ON &&
    cmake --build build-ci-sanitize -j"$jobs"
rc=$?
record "sanitized build" $rc $t

section "3/6 Sanitized tests (ctest in build-ci-sanitize/)"
if [[ $rc -eq 0 ]]; then
    t=$SECONDS
    # Later entries win, so options already in the environment override these defaults.
    asan="halt_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
    asan+=":strict_init_order=1:detect_stack_use_after_return=1:print_summary=1"
    lsan="print_suppressions=0"
    if [[ -f "$root/tests/lsan.supp" ]]; then
        lsan+=":suppressions=$root/tests/lsan.supp"
    fi
    (
        export ASAN_OPTIONS="$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
        export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
        export LSAN_OPTIONS="$lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
        cd build-ci-sanitize && ctest --output-on-failure --no-tests=error -j"$jobs"
    )
    record "sanitized tests" $? $t
else
    skip "sanitized tests" "build failed"
fi

# ---------------------------------------------------------------------------------------------
section "4/6 Full build: GUI on, -Werror (build-ci/)"
t=$SECONDS
configure build-ci \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFORESIGHT_GUI=ON -DFORESIGHT_WERROR=ON -DFORESIGHT_SANITIZE=OFF -DFORESIGHT_TESTS=ON &&
    cmake --build build-ci -j"$jobs"
rc=$?
record "full build" $rc $t

section "5/6 Full tests (ctest in build-ci/)"
if [[ $rc -eq 0 ]]; then
    t=$SECONDS
    (cd build-ci && ctest --output-on-failure --no-tests=error -j"$jobs")
    record "full tests" $? $t
else
    skip "full tests" "build failed"
fi

# ---------------------------------------------------------------------------------------------
section "6/6 Format (scripts/check-format.sh)"
t=$SECONDS
"$root/scripts/check-format.sh"
record "format" $? $t

finish
