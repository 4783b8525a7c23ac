#!/usr/bin/env bash
# Installs what the AArch64 lane needs (see docs/aarch64.md), idempotently:
#   qemu-user-static              runs AArch64 binaries (cargo runner)
#   gcc-aarch64-linux-gnu         linker
#   libc6-dev-arm64-cross         arm64 glibc to link against (crt1.o, libc.a; only a
#                                 Recommends of the gcc, so named explicitly)
#   binutils-aarch64-linux-gnu    aarch64-linux-gnu-objdump (reference disassembler)
#   rustc-web + libstd-rust-web-dev:arm64
#                                 Debian's rustc (/usr/bin/rustc) with the arm64 std;
#                                 rustup cannot add the aarch64 target on these machines
# Does nothing (and touches no network) when everything is already there.
# Needs root (CI and the dev machines run as root).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

pkgs=(
  qemu-user-static
  gcc-aarch64-linux-gnu
  libc6-dev-arm64-cross
  binutils-aarch64-linux-gnu
  rustc-web
  libstd-rust-web-dev:arm64
)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${pkgs[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "aarch64-setup: all packages present"
else
  echo "aarch64-setup: installing ${missing[*]}"
  # The arch must be known before the (single) apt-get update so that the
  # arm64 package lists are fetched too.
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Sanity checks: fail here, with a clear message, rather than in the build.
for tool in qemu-aarch64-static aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump /usr/bin/rustc /usr/bin/rustdoc; do
  command -v "$tool" >/dev/null || { echo "aarch64-setup: $tool missing after install" >&2; exit 1; }
done
if [ ! -f /usr/aarch64-linux-gnu/lib/crt1.o ] || [ ! -f /usr/aarch64-linux-gnu/lib/libc.a ]; then
  echo "aarch64-setup: no static arm64 glibc under /usr/aarch64-linux-gnu/lib" >&2
  exit 1
fi
sysroot=$(/usr/bin/rustc --print sysroot)
if ! ls "$sysroot"/lib/rustlib/aarch64-unknown-linux-gnu/lib/libstd-*.rlib >/dev/null 2>&1; then
  echo "aarch64-setup: Debian rustc has no aarch64 std under $sysroot" >&2
  exit 1
fi
echo "aarch64-setup: $(/usr/bin/rustc -V) (Debian), $(qemu-aarch64-static --version | head -n1)"
