#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the TCG-coherence probe for the s390x guest into DIR:

  tcgprobe   a static s390x ELF (hand-assembled) that opens /dev/dasda with
             O_DIRECT, reads block 16 into a page of its own, calls it, reads
             block 17 into the same page, calls it again and exits with
             16 * first + second
  code1.bin  block 16: "lghi %r2,1; br %r14"
  code2.bin  block 17: "lghi %r2,2; br %r14"

The second read is DMA by the device (ccwpassd writes guest RAM from another
process), so TCG's self-modifying-code detection does not see it: unless the
adapter invalidates the translation of that page, the second call runs the
first block's stale translation and the exit status is 17 instead of 18.
"""
import os, struct, sys

BASE = 0x10000000       # load address of the single RWX segment
PATH_OFF = 0x78         # "/dev/dasda\0" right after the headers
CODE_OFF = 0x88
BUF_OFF = 0x1000        # the page the blocks are read into and called
O_DIRECT = 0x4000       # asm-generic fcntl.h, used by s390
SYS_EXIT, SYS_OPEN, SYS_PREAD64 = 1, 5, 180


def larl(r, here, target):
    return bytes([0xC0, r << 4]) + struct.pack('>i', (target - here) // 2)

def llilf(r, imm): return bytes([0xC0, (r << 4) | 0xF]) + struct.pack('>I', imm)
def lgr(r1, r2): return bytes([0xB9, 0x04, 0x00, (r1 << 4) | r2])
def svc(n): return bytes([0x0A, n])
def basr(r1, r2): return bytes([0x0D, (r1 << 4) | r2])
def lghi(r, imm): return bytes([0xA7, (r << 4) | 9]) + struct.pack('>h', imm)
BR_R14 = bytes([0x07, 0xFE])


def program():
    code, addr = b'', BASE + CODE_OFF

    def emit(b):
        nonlocal code, addr
        code += b
        addr += len(b)

    emit(larl(13, addr, BASE + BUF_OFF))                # r13 = buf
    emit(larl(2, addr, BASE + PATH_OFF))                # open("/dev/dasda", O_RDONLY|O_DIRECT)
    emit(llilf(3, O_DIRECT))
    emit(svc(SYS_OPEN))
    emit(lgr(12, 2))                                    # r12 = fd
    for i, block in enumerate((16, 17)):
        emit(lgr(2, 12) + lgr(3, 13) + llilf(4, 4096) + llilf(5, block * 4096))
        emit(svc(SYS_PREAD64))                          # pread64(fd, buf, 4096, block*4096)
        emit(basr(14, 13))                              # r2 = buf()
        if i == 0:
            emit(lgr(11, 2))                            # r11 = first result
    emit(bytes([0xEB, 0xBB, 0x00, 0x04, 0x00, 0x0D]))   # sllg %r11,%r11,4
    emit(bytes([0xB9, 0x81, 0x00, 0x2B]))               # ogr %r2,%r11
    emit(svc(SYS_EXIT))
    return code


def elf():
    size = BUF_OFF + 4096
    ehdr = b'\x7fELF' + bytes([2, 2, 1, 0]) + bytes(8)  # 64-bit, big-endian, SYSV
    ehdr += struct.pack('>HHIQQQIHHHHHH', 2, 22, 1, BASE + CODE_OFF, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    phdr = struct.pack('>IIQQQQQQ', 1, 7, 0, BASE, BASE, size, size, 0x1000)   # PT_LOAD, RWX
    img = bytearray(size)
    img[0:64], img[64:120] = ehdr, phdr
    img[PATH_OFF:PATH_OFF + 11] = b'/dev/dasda\0'
    code = program()
    assert CODE_OFF + len(code) <= BUF_OFF
    img[CODE_OFF:CODE_OFF + len(code)] = code
    return bytes(img)


def block(value):
    return (lghi(2, value) + BR_R14).ljust(4096, b'\0')


def main():
    out = sys.argv[1]
    with open(os.path.join(out, 'tcgprobe'), 'wb') as f:
        f.write(elf())
    os.chmod(os.path.join(out, 'tcgprobe'), 0o755)
    for n in (1, 2):
        with open(os.path.join(out, 'code%d.bin' % n), 'wb') as f:
            f.write(block(n))


main()
