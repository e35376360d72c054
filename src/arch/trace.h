/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The project's one tracing facility.  Every layer that can trace names an
 * area; which areas trace is set once per process, by the environment
 * variable CCWPASS_TRACE (a comma-separated list of area names, or "all")
 * or, in ccwpassd, by --trace LIST (which wins).  Lines go to stderr as
 * "trace <area>: <text>", each with one write(2), so lines of different
 * threads never interleave.  Tracing is for people debugging guest I/O; it
 * never changes what a device does.
 */
#ifndef CCWPASS_ARCH_TRACE_H
#define CCWPASS_ARCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>

enum trace_area {
    TRACE_CHAN,      /* the channel's view: every command and the program's end */
    TRACE_ECKD,      /* the 3390: every command, its status, sense */
    TRACE_TAPE,      /* the 3490: every command, its status, sense */
    TRACE_ADAPTER,   /* the QEMU adapter: every emulated VFIO call */
    TRACE_NAREAS
};

#define TRACE_ENV "CCWPASS_TRACE"

/**
 * trace_configure() - set the traced areas from a list
 * @list: comma-separated area names ("chan", "eckd", "tape", "adapter"),
 *        "all", or "" for none
 * @err:  message on failure (names the unknown area)
 * @cap:  size of @err
 *
 * Replaces what CCWPASS_TRACE said.  Call before threads that trace start.
 *
 * Return: 0, or -1 for an unknown area name (nothing changed).
 */
int trace_configure(const char *list, char *err, size_t cap);

/**
 * trace_on() - whether an area traces
 * @area: the area
 *
 * The first call reads CCWPASS_TRACE unless trace_configure() came first;
 * an unknown name there is reported once on stderr and ignored.
 *
 * Return: true if lines of @area are written.
 */
bool trace_on(enum trace_area area);

/**
 * trace_line() - write one trace line of an area (if it traces)
 * @area: the area
 * @fmt:  printf format of the text (no newline)
 */
__attribute__((format(printf, 2, 3))) void trace_line(enum trace_area area, const char *fmt, ...);

#endif
