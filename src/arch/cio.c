// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * z/Architecture channel-I/O formats: encode/decode between the architected
 * big-endian images (PoP chapters 13-16) and the host-order structs of cio.h.
 *
 * Bit numbering follows the PoP: bit 0 is the most significant bit of a word.
 * BIT(n) is the mask of bit n of a 32-bit word; FIELD(w, pos, len) extracts a
 * field whose leftmost bit is `pos`.
 */
#include "arch/cio.h"

#include <string.h>

#define BIT(n) (UINT32_C(1) << (31 - (n)))

static inline uint32_t field_get(uint32_t w, unsigned pos, unsigned len)
{
    return (w >> (32 - pos - len)) & ((UINT32_C(1) << len) - 1);
}

static inline uint32_t field_put(uint32_t v, unsigned pos, unsigned len)
{
    return (v & ((UINT32_C(1) << len) - 1)) << (32 - pos - len);
}

static inline bool bit_get(uint32_t w, unsigned n) { return (w & BIT(n)) != 0; }
static inline uint32_t bit_put(bool b, unsigned n) { return b ? BIT(n) : 0; }

/* ---- CCW ----------------------------------------------------------------- */

void ccw1_decode(const uint8_t p[CCW_SIZE], struct ccw1 *c)
{
    c->cmd = p[0];
    c->flags = p[1];
    c->count = be16_get(p + 2);
    c->cda = be32_get(p + 4);
}

void ccw1_encode(const struct ccw1 *c, uint8_t p[CCW_SIZE])
{
    p[0] = c->cmd;
    p[1] = c->flags;
    be16_put(p + 2, c->count);
    be32_put(p + 4, c->cda);
}

void ccw0_decode(const uint8_t p[CCW_SIZE], struct ccw1 *c)
{
    c->cmd = p[0];
    c->cda = be32_get(p) & 0x00FFFFFF;
    c->flags = p[4];
    c->count = be16_get(p + 6);
}

void ccw0_encode(const struct ccw1 *c, uint8_t p[CCW_SIZE])
{
    be32_put(p, c->cda & 0x00FFFFFF);
    p[0] = c->cmd;
    p[4] = c->flags;
    p[5] = 0;
    be16_put(p + 6, c->count);
}

enum ccw_dir ccw_cmd_dir(uint8_t cmd)
{
    switch (cmd & 0x0F) {
    case 0x0: return CCW_DIR_INVALID;
    case 0x4: return CCW_DIR_SENSE;
    case 0x8: return CCW_DIR_TIC;
    case 0xC: return CCW_DIR_READ_BACKWARD;
    default: break;
    }
    switch (cmd & 0x03) {
    case 0x1: return CCW_DIR_WRITE;
    case 0x2: return CCW_DIR_READ;
    default: return CCW_DIR_CONTROL;
    }
}

/* Format 1 requires bits 0-3 of a TIC to be zero; the channel turns other
 * xxxx1000 codes into program check, so only 0x08 is a TIC there. */
bool ccw_is_tic(uint8_t cmd, bool fmt1)
{
    return fmt1 ? cmd == CCW_CMD_TIC : (cmd & 0x0F) == CCW_CMD_TIC;
}

/* ---- IDAW ---------------------------------------------------------------- */

uint32_t idaw1_decode(const uint8_t p[IDAW1_SIZE]) { return be32_get(p); }
void idaw1_encode(uint32_t addr, uint8_t p[IDAW1_SIZE]) { be32_put(p, addr); }
uint64_t idaw2_decode(const uint8_t p[IDAW2_SIZE]) { return be64_get(p); }
void idaw2_encode(uint64_t addr, uint8_t p[IDAW2_SIZE]) { be64_put(p, addr); }

unsigned idaw_count(uint64_t addr, uint32_t count, uint32_t blk)
{
    if (count == 0 || blk == 0)
        return 1;
    uint64_t first = addr / blk;
    uint64_t last = (addr + count - 1) / blk;
    return (unsigned)(last - first + 1);
}

/* ---- ORB ----------------------------------------------------------------- */

/* Word 1: key 0-3, S 4, C 5, M 6, Y 7, F 8, P 9, I 10, A 11, U 12, B 13,
 * H 14, T 15, LPM 16-23, L 24, D 25, reserved 26-30, X 31. */
#define ORB_W1_RESERVED (BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(30))

void orb_decode(const uint8_t p[ORB_SIZE], struct orb *o)
{
    uint32_t w = be32_get(p + 4);

    o->intparm = be32_get(p);
    o->key = (uint8_t)field_get(w, 0, 4);
    o->spnd = bit_get(w, 4);
    o->str = bit_get(w, 5);
    o->mod = bit_get(w, 6);
    o->sync = bit_get(w, 7);
    o->fmt = bit_get(w, 8);
    o->pfch = bit_get(w, 9);
    o->isic = bit_get(w, 10);
    o->alcc = bit_get(w, 11);
    o->ssic = bit_get(w, 12);
    o->tm = bit_get(w, 13);
    o->c64 = bit_get(w, 14);
    o->i2k = bit_get(w, 15);
    o->lpm = (uint8_t)field_get(w, 16, 8);
    o->ils = bit_get(w, 24);
    o->midaw = bit_get(w, 25);
    o->orbx = bit_get(w, 31);
    o->cpa = be32_get(p + 8);
}

void orb_encode(const struct orb *o, uint8_t p[ORB_SIZE])
{
    uint32_t w = field_put(o->key, 0, 4) | bit_put(o->spnd, 4) | bit_put(o->str, 5) |
                 bit_put(o->mod, 6) | bit_put(o->sync, 7) | bit_put(o->fmt, 8) |
                 bit_put(o->pfch, 9) | bit_put(o->isic, 10) | bit_put(o->alcc, 11) |
                 bit_put(o->ssic, 12) | bit_put(o->tm, 13) | bit_put(o->c64, 14) |
                 bit_put(o->i2k, 15) | field_put(o->lpm, 16, 8) | bit_put(o->ils, 24) |
                 bit_put(o->midaw, 25) | bit_put(o->orbx, 31);

    be32_put(p, o->intparm);
    be32_put(p + 4, w);
    be32_put(p + 8, o->cpa);
}

int orb_check(const uint8_t p[ORB_SIZE])
{
    if (be32_get(p + 4) & ORB_W1_RESERVED)
        return -1;
    if (be32_get(p + 8) & BIT(0))
        return -1;
    return 0;
}

/* ---- SCSW ---------------------------------------------------------------- */

/* Word 0: key 0-3, S 4, L 5, CC 6-7, F 8, P 9, I 10, A 11, U 12, Z 13, E 14,
 * N 15, bit 16 reserved in command mode, FC 17-19, AC 20-26, SC 27-31. */
void scsw_decode(const uint8_t p[SCSW_SIZE], struct scsw *s)
{
    uint32_t w = be32_get(p);

    s->key = (uint8_t)field_get(w, 0, 4);
    s->sctl = bit_get(w, 4);
    s->eswf = bit_get(w, 5);
    s->cc = (uint8_t)field_get(w, 6, 2);
    s->fmt = bit_get(w, 8);
    s->pfch = bit_get(w, 9);
    s->isic = bit_get(w, 10);
    s->alcc = bit_get(w, 11);
    s->ssi = bit_get(w, 12);
    s->zcc = bit_get(w, 13);
    s->ectl = bit_get(w, 14);
    s->pno = bit_get(w, 15);
    s->fctl = (uint8_t)field_get(w, 17, 3);
    s->actl = (uint8_t)field_get(w, 20, 7);
    s->stctl = (uint8_t)field_get(w, 27, 5);
    s->cpa = be32_get(p + 4);
    s->dstat = p[8];
    s->cstat = p[9];
    s->count = be16_get(p + 10);
}

void scsw_encode(const struct scsw *s, uint8_t p[SCSW_SIZE])
{
    uint32_t w = field_put(s->key, 0, 4) | bit_put(s->sctl, 4) | bit_put(s->eswf, 5) |
                 field_put(s->cc, 6, 2) | bit_put(s->fmt, 8) | bit_put(s->pfch, 9) |
                 bit_put(s->isic, 10) | bit_put(s->alcc, 11) | bit_put(s->ssi, 12) |
                 bit_put(s->zcc, 13) | bit_put(s->ectl, 14) | bit_put(s->pno, 15) |
                 field_put(s->fctl, 17, 3) | field_put(s->actl, 20, 7) |
                 field_put(s->stctl, 27, 5);

    be32_put(p, w);
    be32_put(p + 4, s->cpa);
    p[8] = s->dstat;
    p[9] = s->cstat;
    be16_put(p + 10, s->count);
}

/* ---- ESW format 0 and IRB ------------------------------------------------- */

/* Subchannel logout: bit 0 reserved, ESF 1-7, LPUM 8-15, A 16, FVF 17-21,
 * SA 22-23, TC 24-25, D 26, E 27, R 28, SC 29-31.
 * Extended-report word: reserved 0-2, A 3, P 4, T 5, F 6, C 7, S 8, R 9,
 * SCNT 10-15, reserved 16-31. */
void esw0_decode(const uint8_t p[ESW_SIZE], struct esw0 *e)
{
    uint32_t sl = be32_get(p), erw = be32_get(p + 4);

    e->esf = (uint8_t)field_get(sl, 1, 7);
    e->lpum = (uint8_t)field_get(sl, 8, 8);
    e->arep = bit_get(sl, 16);
    e->fvf = (uint8_t)field_get(sl, 17, 5);
    e->sacc = (uint8_t)field_get(sl, 22, 2);
    e->termc = (uint8_t)field_get(sl, 24, 2);
    e->devsc = bit_get(sl, 26);
    e->serr = bit_get(sl, 27);
    e->ioerr = bit_get(sl, 28);
    e->seqc = (uint8_t)field_get(sl, 29, 3);
    e->auth = bit_get(erw, 3);
    e->pvrf = bit_get(erw, 4);
    e->cpt = bit_get(erw, 5);
    e->fsavf = bit_get(erw, 6);
    e->cons = bit_get(erw, 7);
    e->scavf = bit_get(erw, 8);
    e->fsaf = bit_get(erw, 9);
    e->scnt = (uint8_t)field_get(erw, 10, 6);
    e->faddr = be64_get(p + 8);
    e->saddr = be32_get(p + 16);
}

void esw0_encode(const struct esw0 *e, uint8_t p[ESW_SIZE])
{
    uint32_t sl = field_put(e->esf, 1, 7) | field_put(e->lpum, 8, 8) | bit_put(e->arep, 16) |
                  field_put(e->fvf, 17, 5) | field_put(e->sacc, 22, 2) |
                  field_put(e->termc, 24, 2) | bit_put(e->devsc, 26) | bit_put(e->serr, 27) |
                  bit_put(e->ioerr, 28) | field_put(e->seqc, 29, 3);
    uint32_t erw = bit_put(e->auth, 3) | bit_put(e->pvrf, 4) | bit_put(e->cpt, 5) |
                   bit_put(e->fsavf, 6) | bit_put(e->cons, 7) | bit_put(e->scavf, 8) |
                   bit_put(e->fsaf, 9) | field_put(e->scnt, 10, 6);

    be32_put(p, sl);
    be32_put(p + 4, erw);
    be64_put(p + 8, e->faddr);
    be32_put(p + 16, e->saddr);
}

void irb_decode(const uint8_t p[IRB_SIZE], struct irb *i)
{
    scsw_decode(p, &i->scsw);
    esw0_decode(p + SCSW_SIZE, &i->esw);
    memcpy(i->ecw, p + SCSW_SIZE + ESW_SIZE, ECW_SIZE);
    memcpy(i->emw, p + SCSW_SIZE + ESW_SIZE + ECW_SIZE, EMW_SIZE);
}

void irb_encode(const struct irb *i, uint8_t p[IRB_SIZE])
{
    scsw_encode(&i->scsw, p);
    esw0_encode(&i->esw, p + SCSW_SIZE);
    memcpy(p + SCSW_SIZE + ESW_SIZE, i->ecw, ECW_SIZE);
    memcpy(p + SCSW_SIZE + ESW_SIZE + ECW_SIZE, i->emw, EMW_SIZE);
}

/* ---- PMCW / SCHIB ---------------------------------------------------------- */

/* Word 1: Q 0, W 1, ISC 2-4, reserved 5-7, E 8, LM 9-10, MM 11-12, D 13,
 * T 14, V 15, device number 16-31.  Word 6: reserved 0-7, ST 8-10,
 * reserved 11-28, F 29, X 30, S 31. */
void pmcw_decode(const uint8_t p[PMCW_SIZE], struct pmcw *m)
{
    uint32_t w1 = be32_get(p + 4), w6 = be32_get(p + 24);

    m->intparm = be32_get(p);
    m->qf = bit_get(w1, 0);
    m->w = bit_get(w1, 1);
    m->isc = (uint8_t)field_get(w1, 2, 3);
    m->ena = bit_get(w1, 8);
    m->lm = (uint8_t)field_get(w1, 9, 2);
    m->mme = (uint8_t)field_get(w1, 11, 2);
    m->mp = bit_get(w1, 13);
    m->tf = bit_get(w1, 14);
    m->dnv = bit_get(w1, 15);
    m->dev = (uint16_t)field_get(w1, 16, 16);
    m->lpm = p[8];
    m->pnom = p[9];
    m->lpum = p[10];
    m->pim = p[11];
    m->mbi = be16_get(p + 12);
    m->pom = p[14];
    m->pam = p[15];
    memcpy(m->chpid, p + 16, 8);
    m->st = (uint8_t)field_get(w6, 8, 3);
    m->mbfc = bit_get(w6, 29);
    m->xmwme = bit_get(w6, 30);
    m->csense = bit_get(w6, 31);
}

void pmcw_encode(const struct pmcw *m, uint8_t p[PMCW_SIZE])
{
    uint32_t w1 = bit_put(m->qf, 0) | bit_put(m->w, 1) | field_put(m->isc, 2, 3) |
                  bit_put(m->ena, 8) | field_put(m->lm, 9, 2) | field_put(m->mme, 11, 2) |
                  bit_put(m->mp, 13) | bit_put(m->tf, 14) | bit_put(m->dnv, 15) |
                  field_put(m->dev, 16, 16);
    uint32_t w6 = field_put(m->st, 8, 3) | bit_put(m->mbfc, 29) | bit_put(m->xmwme, 30) |
                  bit_put(m->csense, 31);

    be32_put(p, m->intparm);
    be32_put(p + 4, w1);
    p[8] = m->lpm;
    p[9] = m->pnom;
    p[10] = m->lpum;
    p[11] = m->pim;
    be16_put(p + 12, m->mbi);
    p[14] = m->pom;
    p[15] = m->pam;
    memcpy(p + 16, m->chpid, 8);
    be32_put(p + 24, w6);
}

void schib_decode(const uint8_t p[SCHIB_SIZE], struct schib *s)
{
    pmcw_decode(p, &s->pmcw);
    scsw_decode(p + PMCW_SIZE, &s->scsw);
    s->mba = be64_get(p + PMCW_SIZE + SCSW_SIZE);
    memcpy(s->mda, p + PMCW_SIZE + SCSW_SIZE + 8, 4);
}

void schib_encode(const struct schib *s, uint8_t p[SCHIB_SIZE])
{
    pmcw_encode(&s->pmcw, p);
    scsw_encode(&s->scsw, p + PMCW_SIZE);
    be64_put(p + PMCW_SIZE + SCSW_SIZE, s->mba);
    memcpy(p + PMCW_SIZE + SCSW_SIZE + 8, s->mda, 4);
}

/* ---- CRW ------------------------------------------------------------------ */

/* Bit 0 reserved, S 1, R 2 (overflow), C 3 (chaining), RSC 4-7, A 8,
 * bit 9 reserved, ERC 10-15, RSID 16-31. */
uint32_t crw_encode(const struct crw *c)
{
    return bit_put(c->slct, 1) | bit_put(c->oflw, 2) | bit_put(c->chn, 3) |
           field_put(c->rsc, 4, 4) | bit_put(c->anc, 8) | field_put(c->erc, 10, 6) |
           field_put(c->rsid, 16, 16);
}

void crw_decode(uint32_t w, struct crw *c)
{
    c->slct = bit_get(w, 1);
    c->oflw = bit_get(w, 2);
    c->chn = bit_get(w, 3);
    c->rsc = (uint8_t)field_get(w, 4, 4);
    c->anc = bit_get(w, 8);
    c->erc = (uint8_t)field_get(w, 10, 6);
    c->rsid = (uint16_t)field_get(w, 16, 16);
}

/* ---- Sense ID --------------------------------------------------------------- */

/* Bytes: 0 = 0xFF, 1-2 CU type, 3 CU model, 4-5 device type, 6 device model,
 * 7 reserved, then CIWs: ET 0-1, reserved 2-3, CT 4-7, command 8-15, count 16-31. */
#define CIW_ET_CIW 1

size_t senseid_encode(const struct senseid *s, uint8_t p[SENSEID_SIZE])
{
    unsigned n = s->nciw > SENSEID_MAX_CIW ? SENSEID_MAX_CIW : s->nciw;

    memset(p, 0, SENSEID_SIZE);
    p[0] = 0xFF;
    be16_put(p + 1, s->cu_type);
    p[3] = s->cu_model;
    be16_put(p + 4, s->dev_type);
    p[6] = s->dev_model;
    for (unsigned i = 0; i < n; i++) {
        const struct ciw *c = &s->ciw[i];
        be32_put(p + 8 + 4 * i, field_put(c->et, 0, 2) | field_put(c->ct, 4, 4) |
                                    field_put(c->cmd, 8, 8) | field_put(c->count, 16, 16));
    }
    return SENSEID_BASIC_SIZE + 4 * n;
}

/* CIWs are parsed while whole words remain and their entry type says CIW. */
static unsigned senseid_decode_ciws(const uint8_t *p, size_t len, struct ciw *ciw)
{
    unsigned n = 0;

    for (size_t off = SENSEID_BASIC_SIZE; off + 4 <= len && n < SENSEID_MAX_CIW; off += 4) {
        uint32_t w = be32_get(p + off);
        if (field_get(w, 0, 2) != CIW_ET_CIW)
            break;
        ciw[n].et = CIW_ET_CIW;
        ciw[n].ct = (uint8_t)field_get(w, 4, 4);
        ciw[n].cmd = (uint8_t)field_get(w, 8, 8);
        ciw[n].count = (uint16_t)field_get(w, 16, 16);
        n++;
    }
    return n;
}

int senseid_decode(const uint8_t *p, size_t len, struct senseid *s)
{
    memset(s, 0, sizeof(*s));
    if (len < 7 || p[0] != 0xFF)
        return -1;
    s->cu_type = be16_get(p + 1);
    s->cu_model = p[3];
    s->dev_type = be16_get(p + 4);
    s->dev_model = p[6];
    s->nciw = senseid_decode_ciws(p, len, s->ciw);
    return 0;
}
