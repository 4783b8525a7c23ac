// Instructions assembled by GNU as to produce tests/data/binutils.tsv.
// One instruction per line; each line is the key of a row in tests/common/rows.rs.
// Regenerate the table with: python3 tests/gen/regen.py
// add/sub, shifted register
add x0, x1, x2
add w3, w4, w5
add x6, x7, x8, lsl #3
add x9, x10, x11, lsr #63
add w12, w13, w14, asr #31
add x0, x1, x2, lsr #0
adds x15, x16, x17
adds w18, w19, w20, lsl #1
sub x21, x22, x23
sub w24, w25, w26, asr #5
subs x27, x28, x29
subs w30, w0, w1, lsr #2
cmp x1, x2
cmp w3, w4, lsl #2
cmn x5, x6
cmn w7, w8, asr #3
neg x9, x10
neg w11, w12, lsl #4
negs x13, x14
subs xzr, xzr, x1
add x0, xzr, x1
add xzr, x1, x2
sub x30, x30, x30
// add/sub, immediate
add x0, x1, #1
add w2, w3, #4095
add x4, x5, #1, lsl #12
add sp, sp, #16
add x6, sp, #32
sub sp, sp, #0x100
sub w7, w8, #7
sub x9, x10, #0xfff, lsl #12
add x0, sp, #0
add sp, x1, #0
add wsp, w2, #0
add x0, x1, #0
sub x0, sp, #0
adds x0, x1, #1
adds w2, wsp, #10
subs x3, sp, #4095
subs w4, w5, #1, lsl #12
cmp x6, #42
cmp w7, #0
cmp sp, #16
cmn x8, #1
cmn w9, #1, lsl #12
// add/sub, extended register
add x0, x1, w2, uxtw
add x0, x1, w2, uxtw #2
add x3, x4, w5, sxtw
add x6, x7, w8, sxtw #3
add x9, x10, w11, uxtb
add x12, x13, w14, uxth #1
add x15, x16, w17, sxtb #4
add x18, x19, w20, sxth
add x21, x22, x23, uxtx
add x24, x25, x26, sxtx #2
add sp, sp, x1
add x0, sp, x2, lsl #2
add sp, x1, w2, uxtw
add w0, w1, w2, uxtb
add w3, wsp, w4
add wsp, w5, w6, uxtw #2
sub x0, x1, w2, sxtw
sub sp, sp, x3, lsl #4
sub x4, sp, w5, uxth
adds x0, x1, w2, uxtw
adds x3, sp, x4
subs x5, x6, w7, sxtw #2
subs w8, wsp, w9, uxtw #1
cmp x10, w11, uxtw
cmp sp, x12
cmp x13, w14, sxtb #1
cmn x15, w16, sxth
cmn sp, x17, lsl #3
adds xzr, x1, x2, uxtx
// logical, shifted register
and x0, x1, x2
and w3, w4, w5, lsl #3
and x6, x7, x8, ror #63
and x0, x1, x2, lsr #0
bic x9, x10, x11
bic w12, w13, w14, lsr #1
orr x15, x16, x17
orr w18, w19, w20, asr #2
orn x21, x22, x23
orn w24, w25, w26, ror #4
eor x27, x28, x29
eor w30, w0, w1, lsl #31
eon x2, x3, x4
eon w5, w6, w7, asr #9
ands x8, x9, x10
ands w11, w12, w13, lsr #7
bics x14, x15, x16
bics w17, w18, w19, ror #1
mov x0, x1
mov w2, w3
mov x4, xzr
orr x5, xzr, x6, lsl #3
orr x5, xzr, x6, lsr #0
mvn x7, x8
mvn w9, w10, lsl #2
tst x11, x12
tst w13, w14, asr #3
// logical, immediate
and x0, x1, #0xff
and w2, w3, #0xf0f0f0f0
and x4, x5, #0x5555555555555555
and sp, x6, #0xfffffffffffffff0
and x7, xzr, #0x3
orr x7, x8, #0x1
orr w9, w10, #0x7fffffff
orr x0, xzr, #0xff
orr w0, wzr, #0xff00ff00
orr x1, xzr, #0x5555555555555555
orr w2, wzr, #0x3f3f3f3f
orr x3, xzr, #0xffff0000ffff0000
orr x4, xzr, #0xffffffffffff0000
orr x5, xzr, #0xfffffffffff0ffff
orr w6, wzr, #0xffff
orr w7, wzr, #0xfffffffe
orr x8, xzr, #0x1fffe
orr x9, xzr, #0xff0000000000000f
eor x10, x11, #0x8000000000000000
eor w12, w13, #0x1
eor x14, x15, #0x3
eor w16, w17, #0x80000000
ands x0, x1, #0xff
ands w2, w3, #0xff00
tst x4, #0x1
tst w5, #0x80000000
tst x6, #0xaaaaaaaaaaaaaaaa
// move wide
movz x0, #1
movz x1, #0x1234, lsl #16
movz x2, #0xffff, lsl #48
movz w3, #0xabcd, lsl #16
movz x4, #0, lsl #32
movz w5, #0
movn x6, #0
movn x7, #0x1234, lsl #32
movn w8, #0xffff
movn w9, #0x1, lsl #16
movn x10, #0, lsl #16
movn x11, #0xffff, lsl #16
movk x11, #0xbeef
movk x12, #0xdead, lsl #16
movk x13, #0x1, lsl #32
movk x14, #0xffff, lsl #48
movk w15, #0x8000, lsl #16
movk w16, #0
// bitfield moves and their aliases
lsl x0, x1, #3
lsl w2, w3, #31
lsl x4, x5, #63
lsl w6, w7, #1
lsr x8, x9, #1
lsr w10, w11, #31
lsr x12, x13, #0
asr x14, x15, #63
asr w16, w17, #7
asr x0, x1, #0
sxtb x18, w19
sxtb w20, w21
sxth x22, w23
sxth w24, w25
sxtw x26, w27
uxtb w28, w29
uxth w30, w0
ubfx x1, x2, #0, #8
ubfx x1, x2, #0, #32
ubfx w3, w4, #5, #10
sbfx x5, x6, #8, #16
ubfiz x7, x8, #2, #30
sbfiz w9, w10, #4, #4
bfi x11, x12, #8, #8
bfi w11, w12, #31, #1
bfxil w13, w14, #0, #16
bfxil x13, x14, #63, #1
bfm x15, xzr, #60, #3
// extract and rotate
ror x0, x1, #1
ror w2, w3, #31
extr x4, x5, x6, #32
extr w7, w8, w9, #3
// two-source
udiv x0, x1, x2
udiv w3, w4, w5
sdiv x6, x7, x8
sdiv w9, w10, w11
lslv x12, x13, x14
lsl w15, w16, w17
lsrv x18, x19, x20
lsr w21, w22, w23
asrv x24, x25, x26
asr w27, w28, w29
rorv x30, x0, x1
ror w2, w3, w4
// one-source
rbit x0, x1
rbit w2, w3
rev16 x4, x5
rev16 w6, w7
rev32 x8, x9
rev x10, x11
rev w12, w13
clz x14, x15
clz w16, w17
cls x18, x19
cls w20, w21
// three-source
madd x0, x1, x2, x3
madd w4, w5, w6, w7
msub x8, x9, x10, x11
msub w12, w13, w14, w15
mul x16, x17, x18
mul w19, w20, w21
mneg x22, x23, x24
smulh x0, x1, x2
umulh x3, x4, x5
smaddl x0, w1, w2, x3
umaddl x4, w5, w6, x7
smsubl x8, w9, w10, x11
umsubl x12, w13, w14, x15
smull x16, w17, w18
umull x19, w20, w21
smnegl x22, w23, w24
umnegl x25, w26, w27
// conditional select
csel x0, x1, x2, eq
csel w3, w4, w5, lt
csel x6, x7, x8, al
csinc x9, x10, x11, ne
csinv w12, w13, w14, hi
csneg x15, x16, x17, ge
csinc x0, xzr, xzr, al
csneg x0, xzr, xzr, eq
csinc x1, x2, x2, nv
cset x0, eq
cset w1, ne
cset w2, cs
cset w3, cc
cset w4, mi
cset w5, pl
cset w6, vs
cset w7, vc
cset w8, hi
cset w9, ls
cset w10, ge
cset w11, lt
cset w12, gt
cset w13, le
csetm x14, eq
csetm w15, lo
cinc x16, x17, hs
cinv w18, w19, gt
cneg x20, x21, mi
// conditional compare
ccmp x0, x1, #4, ne
ccmp w2, w3, #0, eq
ccmp x4, #5, #15, gt
ccmp w5, #31, #2, lo
ccmn x6, x7, #8, vs
ccmn w8, #1, #1, le
ccmp xzr, xzr, #0, al
// pc-relative addresses
adr x0, .+8
adr x1, .-4
adr x2, .+1048575
adr x3, .-1048576
adr x4, .+3
adrp x5, .+4096
adrp x6, .-8192
adrp x7, .+268435456
// branches
b .+8
b .-8
b .+134217724
b .-134217728
bl .+16
bl .-4
b.eq .+8
b.ne .-8
b.cs .+12
b.cc .+16
b.mi .+20
b.pl .+24
b.vs .+28
b.vc .+32
b.hi .+1048572
b.ls .-1048576
b.ge .+4
b.lt .-4
b.gt .+40
b.le .+44
b.al .+48
b.nv .+52
cbz x0, .+8
cbz w1, .-1048576
cbnz x2, .+1048572
cbnz w3, .-12
cbz xzr, .+4
tbz w0, #0, .+8
tbz x1, #63, .-8
tbnz w2, #31, .+32764
tbnz x3, #32, .-32768
br x0
br x16
blr x1
blr x30
ret
ret x0
brk #0
brk #0xf000
udf #0
udf #65535
// loads and stores, scaled unsigned offset
ldr x0, [x1]
ldr x0, [x1, #8]
ldr x2, [sp, #32760]
ldr w3, [x4, #4]
ldr w5, [x6, #16380]
ldrb w7, [x8, #4095]
ldrh w9, [x10, #8190]
ldrsb w11, [x12, #1]
ldrsb x13, [x14]
ldrsh w15, [x16, #2]
ldrsh x17, [x18, #6]
ldrsw x19, [x20, #12]
str x21, [x22, #24]
str w23, [sp, #4]
strb w24, [x25, #3]
strh w26, [x27, #10]
str xzr, [x0, #8]
strb wzr, [x1]
// unscaled 9-bit offset
ldur x0, [x1, #-8]
ldur w2, [x3, #1]
ldurb w4, [x5, #-1]
ldurh w6, [x7, #255]
ldursb w8, [x9, #-256]
ldursb x10, [x11, #3]
ldursh w12, [x13, #-2]
ldursh x14, [x15, #5]
ldursw x16, [x17, #-4]
stur x18, [x19, #-16]
stur w20, [sp, #-4]
sturb w21, [x22, #7]
sturh w23, [x24, #-3]
ldur x25, [x26]
// pre- and post-index
ldr x0, [x1, #8]!
ldr x2, [x3], #16
str x4, [sp, #-16]!
str w5, [x6], #-4
ldrb w7, [x8, #1]!
ldrsw x9, [x10], #4
strh w11, [x12, #-2]!
ldrsh x13, [x14], #-256
ldrsb w13, [x14, #255]!
ldr x15, [x16, #0]!
ldr x15, [x16], #0
// register offset
ldr x0, [x1, x2]
ldr x3, [x4, x5, lsl #3]
ldr w6, [x7, w8, uxtw]
ldr w9, [x10, w11, uxtw #2]
ldr x12, [x13, w14, sxtw #3]
ldr x15, [x16, x17, sxtx]
ldr x15, [x16, x17, sxtx #3]
ldrb w18, [x19, x20]
ldrb w21, [x22, w23, uxtw]
ldrb w0, [x1, x2, lsl #0]
ldrb w0, [x1, w2, uxtw #0]
ldrsb x24, [x25, w26, sxtw]
ldrsb w24, [x25, x26]
ldrh w27, [x28, x29, lsl #1]
ldrsh w0, [x1, w2, uxtw #1]
ldrsh x0, [x1, x2]
ldrsw x3, [x4, w5, uxtw #2]
ldrsw x17, [x16, w1, uxtw #2]
str x6, [x7, x8, lsl #3]
strb w9, [x10, w11, uxtw]
strh w12, [sp, x13]
str w14, [x15, w16, sxtw #2]
str x0, [x1, xzr]
// floating-point loads and stores
ldr s0, [x1]
ldr d2, [x3, #8]
ldr s4, [sp, #16380]
str d5, [x6, #32760]
str s7, [x8, #4]
ldur d9, [x10, #-8]
stur s11, [x12, #-1]
ldr d13, [x14, #16]!
str s15, [x16], #4
ldr d17, [x18, x19, lsl #3]
ldr s20, [x21, w22, uxtw #2]
str d23, [x24, w25, sxtw]
str s26, [x27, x28]
// literal loads
ldr x0, .+8
ldr w1, .-4
ldrsw x2, .+1048572
ldr d3, .+16
ldr s4, .-1048576
// pairs
stp x29, x30, [sp, #-16]!
ldp x29, x30, [sp], #16
stp x19, x20, [sp, #16]
ldp x21, x22, [sp]
stp x0, x1, [x2, #504]
ldp x3, x4, [x5, #-512]
stp w6, w7, [x8, #4]
ldp w9, w10, [x11], #-256
ldp w12, w13, [x14, #252]!
stp d8, d9, [sp, #-64]!
ldp d8, d9, [sp], #64
stp d10, d11, [sp, #16]
ldp d12, d13, [x0, #-8]
stp s0, s1, [x2, #252]
ldp s3, s4, [x5]
stp xzr, xzr, [x0]
stp x0, x1, [x2, #0]!
// floating-point arithmetic
fadd s0, s1, s2
fadd d3, d4, d5
fsub s6, s7, s8
fsub d9, d10, d11
fmul s12, s13, s14
fmul d15, d16, d17
fdiv s18, s19, s20
fdiv d21, d22, d23
fmax s24, s25, s26
fmax d27, d28, d29
fmin s30, s31, s0
fmin d1, d2, d3
fmaxnm s4, s5, s6
fmaxnm d7, d8, d9
fminnm s10, s11, s12
fminnm d13, d14, d15
fmov s0, s1
fmov d2, d3
fabs s4, s5
fabs d6, d7
fneg s8, s9
fneg d10, d11
fsqrt s12, s13
fsqrt d14, d15
frintn s16, s17
frintn d18, d19
frintp s20, s21
frintp d22, d23
frintm s24, s25
frintm d26, d27
frintz s28, s29
frintz d30, d31
fcvt d0, s1
fcvt s2, d3
fcmp s0, s1
fcmp d2, d3
fcmp s4, #0.0
fcmp d5, #0.0
fcsel s0, s1, s2, eq
fcsel d3, d4, d5, gt
fmov s0, #1.0
fmov d1, #-2.0
fmov d2, #0.125
fmov s3, #31.0
fmov d4, #0.5
fmov s5, #-1.5
fmov d6, #1.0625
fmov w0, s1
fmov x2, d3
fmov s4, w5
fmov d6, x7
fmov d8, xzr
fmov s9, wzr
scvtf s0, w1
scvtf d2, w3
scvtf s4, x5
scvtf d6, x7
ucvtf s8, w9
ucvtf d10, w11
ucvtf s12, x13
ucvtf d14, x15
fcvtzs w0, s1
fcvtzs x2, s3
fcvtzs w4, d5
fcvtzs x6, d7
fcvtzu w8, s9
fcvtzu x10, s11
fcvtzu w12, d13
fcvtzu x14, d15
// copysign and popcount building blocks
ushr d0, d1, #63
ushr d2, d3, #1
ushr d4, d5, #64
ushr v6.2s, v7.2s, #31
ushr v8.2s, v9.2s, #32
sli d0, d1, #63
sli d2, d3, #0
sli v4.2s, v5.2s, #31
sli v6.2s, v7.2s, #1
bsl v0.8b, v1.8b, v2.8b
bit v3.8b, v4.8b, v5.8b
bif v6.8b, v7.8b, v8.8b
cnt v0.8b, v1.8b
cnt v31.8b, v30.8b
addv b2, v3.8b
addv b31, v0.8b
// system
nop
isb
dmb ish
csdb
// forms the backend emits that the sections above missed (tests/emitted_coverage.rs); each is an instruction the lowering produced
sub sp, sp, x17
sub x17, sp, x17
cmp x17, x16, uxtx
cmn w6, #0x1
subs x16, x16, #0x1
cmp w1, w2
neg w16, w1
sub w1, w1, w2
ldr d2, [sp, #3120]
ldr d0, [sp]
ldr d16, [x16, w1, uxtw]
ldr d0, [x16, x1]
ldr d2, [x16]
ldr s0, [x16, w1, uxtw]
ldr s0, [x16, x1]
str d5, [sp, #3120]
str d26, [sp]
str d16, [x16, w8, uxtw]
str d3, [x16, x1]
str d0, [x16]
str s16, [x16, w13, uxtw]
str s0, [x16]
stur d8, [x29, #-16]
stp d8, d9, [x29, #-64]
ldr w0, [x16, x1]
ldr w17, [x17]
ldr x0, [sp]
ldr x12, [x16, w10, uxtw]
ldrh w1, [x16, w1, uxtw]
ldrh w0, [x16, x1]
ldrsb w3, [x16, w21, uxtw]
ldrsb x2, [x16, w2, uxtw]
ldrsb x0, [x16, x1]
ldrsh w0, [x16, w1, uxtw]
ldrsh w0, [x16, x1]
ldrsh x2, [x16, w10, uxtw]
ldrsw x2, [x16, w2, uxtw]
ldrsw x0, [x16, x1]
and w2, w0, w2
eor w0, w14, w19
orr w22, w0, w1
str w17, [x16, #24]
str w4, [x16, w1, uxtw]
str w3, [x16, x1]
str w5, [x16]
str x1, [sp, #16]
str x2, [sp]
str x2, [x16, w1, uxtw]
str x2, [x16, x1]
str x2, [x16]
strb w3, [x16, x1]
strh w5, [x16, w1, uxtw]
strh w3, [x16, x1]
