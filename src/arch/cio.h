/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * z/Architecture channel-I/O formats (Principles of Operation, chapters 13-16):
 * ORB, CCW format 0/1, IDAW format 1/2, SCSW, ESW (format 0), IRB, PMCW/SCHIB,
 * CRW, Sense ID with CIWs.
 *
 * Every structure has a decoded, host-order C form and a pair of pure functions
 * that convert it from/to its architected big-endian byte image.  This file is
 * the one source of truth for those layouts: no other layer lays out these
 * bytes by hand.
 */
#ifndef CCWPASS_ARCH_CIO_H
#define CCWPASS_ARCH_CIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- big-endian helpers ------------------------------------------------ */
static inline uint16_t be16_get(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32_get(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t be64_get(const uint8_t *p) { return (uint64_t)be32_get(p) << 32 | be32_get(p + 4); }
static inline void be16_put(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void be32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void be64_put(uint8_t *p, uint64_t v) { be32_put(p, (uint32_t)(v >> 32)); be32_put(p + 4, (uint32_t)v); }

/* ---- CCW --------------------------------------------------------------- */
#define CCW_SIZE 8

#define CCW_FLAG_CD      0x80 /* chain data */
#define CCW_FLAG_CC      0x40 /* chain command */
#define CCW_FLAG_SLI     0x20 /* suppress length indication */
#define CCW_FLAG_SKIP    0x10 /* skip (no data transfer to storage) */
#define CCW_FLAG_PCI     0x08 /* program-controlled interruption */
#define CCW_FLAG_IDA     0x04 /* indirect data addressing */
#define CCW_FLAG_SUSPEND 0x02 /* suspend */
#define CCW_FLAG_MIDA    0x01 /* modified IDA (not supported here) */

#define CCW_CMD_TIC      0x08
#define CCW_CMD_BASIC_SENSE 0x04
#define CCW_CMD_NOOP     0x03
#define CCW_CMD_SENSE_ID 0xE4

/*
 * A CCW in format-1 shape.  A format-0 CCW decodes into the same struct (its
 * 24-bit data address in cda); the channel and the translator work on this form.
 */
struct ccw1 {
    uint8_t  cmd;
    uint8_t  flags;
    uint16_t count;
    uint32_t cda;
};

void ccw1_decode(const uint8_t p[CCW_SIZE], struct ccw1 *c);
void ccw1_encode(const struct ccw1 *c, uint8_t p[CCW_SIZE]);
/* Format 0: cmd(1) cda(3) flags(1) reserved(1) count(2). */
void ccw0_decode(const uint8_t p[CCW_SIZE], struct ccw1 *c);
void ccw0_encode(const struct ccw1 *c, uint8_t p[CCW_SIZE]);

/* Transfer direction implied by the low-order bits of a command code. */
enum ccw_dir {
    CCW_DIR_INVALID,       /* xxxx0000: invalid command code */
    CCW_DIR_WRITE,         /* xxxxxx01 */
    CCW_DIR_READ,          /* xxxxxx10 */
    CCW_DIR_CONTROL,       /* xxxxxx11 */
    CCW_DIR_SENSE,         /* xxxx0100 */
    CCW_DIR_TIC,           /* xxxx1000 */
    CCW_DIR_READ_BACKWARD, /* xxxx1100 */
};
enum ccw_dir ccw_cmd_dir(uint8_t cmd);
/* TIC test.  In format 0 bits 0-3 of a TIC command are ignored. */
bool ccw_is_tic(uint8_t cmd, bool fmt1);

/* ---- IDAW -------------------------------------------------------------- */
#define IDAW1_SIZE   4          /* format-1: 31-bit address, 2 KiB blocks */
#define IDAW2_SIZE   8          /* format-2: 64-bit address, 2 or 4 KiB blocks */
#define IDAW_BLK_2K  2048u
#define IDAW_BLK_4K  4096u
uint32_t idaw1_decode(const uint8_t p[IDAW1_SIZE]);
void     idaw1_encode(uint32_t addr, uint8_t p[IDAW1_SIZE]);
uint64_t idaw2_decode(const uint8_t p[IDAW2_SIZE]);
void     idaw2_encode(uint64_t addr, uint8_t p[IDAW2_SIZE]);
/* Number of IDAWs needed to describe `count` bytes starting at `addr` with
 * blocks of `blk` bytes (a count of 0 still needs one IDAW). */
unsigned idaw_count(uint64_t addr, uint32_t count, uint32_t blk);

/* ---- ORB (command mode; 12-byte form carried by the vfio-ccw I/O region) -- */
#define ORB_SIZE 12
struct orb {
    uint32_t intparm;
    uint8_t  key;   /* 4 bits */
    bool     spnd;  /* S: suspend control */
    bool     str;   /* C: streaming mode */
    bool     mod;   /* M: modification control */
    bool     sync;  /* Y: synchronization control */
    bool     fmt;   /* F: format-1 CCWs */
    bool     pfch;  /* P: prefetch control */
    bool     isic;  /* I: initial-status-interruption control */
    bool     alcc;  /* A: address-limit-checking control */
    bool     ssic;  /* U: suppress-suspended-interruption control */
    bool     tm;    /* B: transport mode (bit 13; reserved in command mode) */
    bool     c64;   /* H: format-2 IDAWs */
    bool     i2k;   /* T: 2K format-2 IDAWs */
    uint8_t  lpm;   /* logical path mask */
    bool     ils;   /* L: incorrect-length-suppression mode */
    bool     midaw; /* D: MIDAW control */
    bool     orbx;  /* X: ORB extension */
    uint32_t cpa;   /* channel-program address */
};
void orb_decode(const uint8_t p[ORB_SIZE], struct orb *o);
void orb_encode(const struct orb *o, uint8_t p[ORB_SIZE]);
/* 0 if the reserved bits 26-30 of word 1 are zero and cpa bit 0 is zero,
 * else -1 (SSCH would present an operand exception).  The B (transport
 * mode) bit is decoded, not checked: command-mode-only callers reject it. */
int  orb_check(const uint8_t p[ORB_SIZE]);

/* ---- SCSW (command mode) ------------------------------------------------ */
#define SCSW_SIZE 12

#define SCSW_FCTL_START   0x4
#define SCSW_FCTL_HALT    0x2
#define SCSW_FCTL_CLEAR   0x1

#define SCSW_ACTL_RESUME_PEND 0x40
#define SCSW_ACTL_START_PEND  0x20
#define SCSW_ACTL_HALT_PEND   0x10
#define SCSW_ACTL_CLEAR_PEND  0x08
#define SCSW_ACTL_SCHACT      0x04
#define SCSW_ACTL_DEVACT      0x02
#define SCSW_ACTL_SUSPENDED   0x01

#define SCSW_STCTL_ALERT   0x10
#define SCSW_STCTL_INTER   0x08
#define SCSW_STCTL_PRIM    0x04
#define SCSW_STCTL_SEC     0x02
#define SCSW_STCTL_PEND    0x01

/* device status */
#define DEV_STAT_ATTENTION 0x80
#define DEV_STAT_STAT_MOD  0x40
#define DEV_STAT_CU_END    0x20
#define DEV_STAT_BUSY      0x10
#define DEV_STAT_CHN_END   0x08
#define DEV_STAT_DEV_END   0x04
#define DEV_STAT_UNIT_CHECK 0x02
#define DEV_STAT_UNIT_EXCEP 0x01
/* subchannel (channel) status */
#define SCHN_STAT_PCI        0x80
#define SCHN_STAT_INCORR_LEN 0x40
#define SCHN_STAT_PROG_CHECK 0x20
#define SCHN_STAT_PROT_CHECK 0x10
#define SCHN_STAT_CHN_DATA_CHK 0x08
#define SCHN_STAT_CHN_CTRL_CHK 0x04
#define SCHN_STAT_INTF_CTRL_CHK 0x02
#define SCHN_STAT_CHAIN_CHECK  0x01

struct scsw {
    uint8_t  key;   /* 4 bits */
    bool     sctl;  /* S: suspend control */
    bool     eswf;  /* L: ESW format */
    uint8_t  cc;    /* deferred condition code, 2 bits */
    bool     fmt, pfch, isic, alcc, ssi, zcc, ectl, pno;
    uint8_t  fctl;  /* 3 bits, SCSW_FCTL_* */
    uint8_t  actl;  /* 7 bits, SCSW_ACTL_* */
    uint8_t  stctl; /* 5 bits, SCSW_STCTL_* */
    uint32_t cpa;
    uint8_t  dstat;
    uint8_t  cstat;
    uint16_t count; /* residual count */
};
void scsw_decode(const uint8_t p[SCSW_SIZE], struct scsw *s);
void scsw_encode(const struct scsw *s, uint8_t p[SCSW_SIZE]);

/* ---- ESW format 0 and IRB ----------------------------------------------- */
#define ESW_SIZE 20
#define ECW_SIZE 32
#define EMW_SIZE 32
#define IRB_SIZE 96

struct esw0 {
    /* subchannel logout */
    uint8_t  esf;   /* 7 bits: extended-status flags */
    uint8_t  lpum;  /* last-path-used mask */
    bool     arep;
    uint8_t  fvf;   /* 5 bits: field-validity flags */
    uint8_t  sacc;  /* 2 bits */
    uint8_t  termc; /* 2 bits */
    bool     devsc, serr, ioerr;
    uint8_t  seqc;  /* 3 bits */
    /* extended-report word */
    bool     auth, pvrf, cpt, fsavf, cons, scavf, fsaf;
    uint8_t  scnt;  /* 6 bits: count of valid sense bytes in the ECW */
    uint64_t faddr; /* failing-storage address (words 2-3) */
    uint32_t saddr; /* secondary-CCW address (word 4) */
};
void esw0_decode(const uint8_t p[ESW_SIZE], struct esw0 *e);
void esw0_encode(const struct esw0 *e, uint8_t p[ESW_SIZE]);

struct irb {
    struct scsw scsw;
    struct esw0 esw;
    uint8_t ecw[ECW_SIZE];
    uint8_t emw[EMW_SIZE];
};
void irb_decode(const uint8_t p[IRB_SIZE], struct irb *i);
void irb_encode(const struct irb *i, uint8_t p[IRB_SIZE]);

/* ---- PMCW / SCHIB ------------------------------------------------------- */
#define PMCW_SIZE 28
#define SCHIB_SIZE 52

#define SCH_TYPE_IO    0
#define SCH_TYPE_CHSC  1
#define SCH_TYPE_MSG   2
#define SCH_TYPE_ADM   3

struct pmcw {
    uint32_t intparm;
    bool     qf;    /* QDIO facility */
    bool     w;
    uint8_t  isc;   /* 3 bits */
    bool     ena;   /* enabled */
    uint8_t  lm;    /* 2 bits: limit mode */
    uint8_t  mme;   /* 2 bits: measurement-mode enable */
    bool     mp;    /* multipath mode */
    bool     tf;    /* timing facility */
    bool     dnv;   /* device number valid */
    uint16_t dev;   /* device number */
    uint8_t  lpm, pnom, lpum, pim;
    uint16_t mbi;
    uint8_t  pom, pam;
    uint8_t  chpid[8];
    uint8_t  st;    /* 3 bits: subchannel type */
    bool     mbfc, xmwme, csense; /* csense: concurrent sense */
};

struct schib {
    struct pmcw pmcw;
    struct scsw scsw;
    uint64_t mba;
    uint8_t  mda[4];
};
void pmcw_decode(const uint8_t p[PMCW_SIZE], struct pmcw *m);
void pmcw_encode(const struct pmcw *m, uint8_t p[PMCW_SIZE]);
void schib_decode(const uint8_t p[SCHIB_SIZE], struct schib *s);
void schib_encode(const struct schib *s, uint8_t p[SCHIB_SIZE]);

/* ---- CRW ---------------------------------------------------------------- */
#define CRW_RSC_SCH   0x3  /* subchannel */
#define CRW_RSC_CPATH 0x4  /* channel path */
#define CRW_RSC_CSS   0xB
#define CRW_ERC_EVENT  0x00
#define CRW_ERC_AVAIL  0x01
#define CRW_ERC_INIT   0x02
#define CRW_ERC_TERROR 0x03
#define CRW_ERC_IPARM  0x04
#define CRW_ERC_TERM   0x05
#define CRW_ERC_PERRN  0x06
#define CRW_ERC_PERRI  0x07

struct crw {
    bool     slct, oflw, chn, anc;
    uint8_t  rsc;   /* 4 bits: reporting-source code */
    uint8_t  erc;   /* 6 bits: error-recovery code */
    uint16_t rsid;  /* reporting-source ID */
};
uint32_t crw_encode(const struct crw *c);
void     crw_decode(uint32_t w, struct crw *c);

/* ---- Sense ID ----------------------------------------------------------- */
#define SENSEID_BASIC_SIZE 8
#define SENSEID_MAX_CIW 8
#define SENSEID_SIZE (SENSEID_BASIC_SIZE + 4 * SENSEID_MAX_CIW)
#define CIW_TYPE_RCD 0x0 /* read configuration data */
#define CIW_TYPE_SII 0x1 /* set interface identifier */
#define CIW_TYPE_RNI 0x2 /* read node identifier */

struct ciw {
    uint8_t  et;    /* 2 bits: entry type, 01 for a CIW */
    uint8_t  ct;    /* 4 bits: command type */
    uint8_t  cmd;
    uint16_t count;
};
struct senseid {
    uint16_t cu_type;
    uint8_t  cu_model;
    uint16_t dev_type;
    uint8_t  dev_model;
    unsigned nciw;
    struct ciw ciw[SENSEID_MAX_CIW];
};
/* Encodes 8 + 4*nciw bytes (byte 0 = 0xFF); returns the length written. */
size_t senseid_encode(const struct senseid *s, uint8_t p[SENSEID_SIZE]);
/* Decodes `len` bytes; returns 0, or -1 if byte 0 is not 0xFF or len < 7. */
int    senseid_decode(const uint8_t *p, size_t len, struct senseid *s);

#endif
