#!/usr/bin/env bash
# Builds the firmware for Cortex-M0 (thumbv6m-none-eabi), Cortex-M4F
# (thumbv7em-none-eabihf) and RISC-V (riscv32imc-unknown-none-elf), runs it
# on emulated boards (QEMU's microbit, mps2-an386 and sifive_e), checks
# that the boards compute the host's bits, and prints the footprint table.
# Installs the targets, llvm-tools and QEMU where missing. The last line is
#   qemu: correct = 4/4, sine max_abs_error = <value>
# and the exit status is non-zero if anything is wrong.
set -Eeuo pipefail
cd "$(dirname "$0")"
# Every exit names its cause: a command that stops the script under `set -e`
# says which line and command it was (a check that fails says `FAIL:` and
# goes on, see `fail` below).
trap 'status=$?; echo "FAIL: embedded/run.sh line $LINENO: \`$BASH_COMMAND\` exited with status $status"' ERR

targets=(thumbv6m-none-eabi thumbv7em-none-eabihf riscv32imc-unknown-none-elf)
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<< "$installed" || rustup target add "$t"
done
rustup component list --installed | grep -q '^llvm-tools' || rustup component add llvm-tools

# QEMU from the distribution. Debian 12's own qemu-system-arm (7.2) cannot
# install beside a qemu-utils from its backports suite (10.0 on today's
# image: "Breaks: qemu-system-common (< 1:8.0)"), so where qemu-utils came
# from backports, QEMU comes from there too, on the mirror apt already uses.
install_qemu() {
  local pkgs=(qemu-system-arm qemu-system-misc) suite mirror
  apt-get update -qq || return 1
  if dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null | grep -q 'bpo'; then
    suite="$(. /etc/os-release && echo "$VERSION_CODENAME")-backports"
    # The first archive (not security) mirror in use: a `URIs:` line of a
    # deb822 .sources file or the URL of a one-line `deb` entry.
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      sed -nE 's/^URIs: *([^ ]+).*/\1/p; s/^deb +(\[[^]]*\] +)?([^ ]+).*/\2/p' |
      grep -E '/debian/?$' | head -n 1)
    if ! apt-cache policy 2>/dev/null | grep -q "a=$suite"; then
      echo "deb ${mirror:-http://deb.debian.org/debian} $suite main" > /etc/apt/sources.list.d/qemu-backports.list
      apt-get update -qq || return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t "$suite" "${pkgs[@]}" >/dev/null
  else
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
}
if ! command -v qemu-system-arm >/dev/null 2>&1 || ! command -v qemu-system-riscv32 >/dev/null 2>&1; then
  install_qemu || { echo "FAIL: installing QEMU (qemu-system-arm, qemu-system-misc) with apt-get"; exit 1; }
fi
tools="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"

echo "== cross builds (release)"
for t in "${targets[@]}"; do
  cargo build -q --release --target "$t"
  echo "built $t: $(cd "target/$t/release" && ls infer xor train profile int sine_int8 profile_int | tr '\n' ' ')"
done
cargo build -q --release --bins

failed=0
fail() { echo "FAIL: $*"; failed=1; }

# run BOARD TARGET FIRMWARE [QEMU OPTIONS]: the firmware's output on an
# emulated board.
run() {
  local machine=$1 target=$2 bin=$3 qemu=qemu-system-arm
  shift 3
  [ "$machine" = sifive_e ] && qemu=qemu-system-riscv32
  timeout 300 "$qemu" -M "$machine" -nographic \
    -semihosting-config enable=on,target=native "$@" \
    -kernel "target/$target/release/$bin"
}

# What must match between board and host: everything but stack figures
# (and the error the host alone computes for the baked model, from the
# outputs whose fingerprint is compared), the `qemu:`/`host:` prefix made
# the same.
comparable() {
  grep -v -e '^stack: ' -e '^host: baked sine max_abs_error' | sed 's/^qemu: /who: /; s/^host: /who: /'
}

declare -A high
last=""
for bin in xor train infer int sine_int8; do
  host_out=$("target/release/$bin") || fail "host $bin exited with an error"
  for board in "microbit thumbv6m-none-eabi Cortex-M0" "mps2-an386 thumbv7em-none-eabihf Cortex-M4F" \
    "sifive_e riscv32imc-unknown-none-elf RISC-V_FE310"; do
    read -r machine target core <<< "$board"
    echo "== $bin on $machine (${core//_/ })"
    out=$(run "$machine" "$target" "$bin") || fail "$bin on $machine exited with an error"
    printf '%s\n' "$out"
    high[$bin/$target]=$(sed -n 's/^stack: high-water mark, whole program = \([0-9]*\) bytes$/\1/p' <<< "$out")
    if [ "$(comparable <<< "$out")" != "$(comparable <<< "$host_out")" ]; then
      fail "$bin on $machine differs from the host:"
      diff <(comparable <<< "$host_out") <(comparable <<< "$out") || true
    else
      echo "same bits as the host: yes"
    fi
    if [ "$bin" = train ] && [ "$target" = thumbv7em-none-eabihf ]; then
      last=$(tail -n 1 <<< "$out")
    fi
  done
  if [ "$bin" = infer ]; then
    # The host alone computes the baked model's error (equal fingerprints
    # make it the boards' too). A missing line was once a silent `grep` exit.
    grep 'max_abs_error' <<< "$host_out" || fail "host infer printed no max_abs_error line"
  fi
done

echo "== instruction counts and wide-network stack (Cortex-M4F, -icount shift=0)"
profile=$(run mps2-an386 thumbv7em-none-eabihf profile -icount shift=0) || fail "profile exited with an error"
printf '%s\n' "$profile"

echo "== integer networks: no floating-point routine in the Cortex-M0 firmware that runs them"
for bin in sine_int8 int; do
  floats=$("$tools/llvm-nm" "target/thumbv6m-none-eabi/release/$bin" |
    grep -E '__aeabi_[fd]|__aeabi_u?[il]2[fd]|[sd]f[23]$|floatun?[sd]i|fixun?[sd]f|libm|(exp|tanh|log|erf|pow)f?$' || true)
  if [ -n "$floats" ]; then
    fail "$bin (thumbv6m-none-eabi) links floating-point code:"
    printf '%s\n' "$floats" | head -n 5
  else
    echo "$bin: no float symbols (llvm-nm)"
  fi
done

echo "== instruction counts, int8 against f32 soft-float (Cortex-M0, microbit, -icount shift=0)"
profile_int=$(run microbit thumbv6m-none-eabi profile_int -icount shift=0) || fail "profile_int exited with an error"
printf '%s\n' "$profile_int"
ratio=$(sed -n 's/^sine f32 \/ int8 instructions x10 = \([0-9]*\)$/\1/p' <<< "$profile_int")
[ -n "$ratio" ] && [ "$ratio" -ge 50 ] || fail "int8 sine forward is not 5x fewer instructions than f32 (ratio x10 = ${ratio:-none})"

echo "== footprint (bytes; flash = vector table + text + rodata + data, RAM = data + bss + stack high-water)"
printf '| firmware | target | flash | static RAM | stack high-water | RAM |\n|---|---|--:|--:|--:|--:|\n'
for bin in infer xor train int sine_int8; do
  for t in "${targets[@]}"; do
    read -r flash static < <("$tools/llvm-size" -A "target/$t/release/$bin" | awk '
      $1 ~ /^\.(vector_table|text|rodata|data)$/ { flash += $2 }
      $1 ~ /^\.(data|bss)$/ { ram += $2 }
      END { print flash, ram + 0 }')
    stack=${high[$bin/$t]:-}
    if [ -n "$stack" ]; then ram=$((static + stack)); else stack="not measured"; ram="—"; fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$bin" "$t" "$flash" "$static" "$stack" "$ram"
  done
done

if [ "$failed" != 0 ]; then
  echo "embedded: FAILED (see the FAIL: lines above)"
  exit 1
fi
case "$last" in
  "qemu: correct = 4/4, sine max_abs_error = "*) echo "$last" ;;
  *) echo "FAIL: train on mps2-an386 ended with '$last', not 'qemu: correct = 4/4, sine max_abs_error = ...'"; exit 1 ;;
esac
