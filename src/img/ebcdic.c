// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ASCII <-> EBCDIC (code page 037) for the characters that appear in volume
 * labels and data set names: letters, digits, blank and . - _ # @ $ / ( ) , + * = : ;
 */
#include "img/vtoc.h"

static const struct { char a; uint8_t e; } punct[] = {
    { ' ', 0x40 }, { '.', 0x4B }, { '(', 0x4D }, { '+', 0x4E }, { '&', 0x50 }, { '$', 0x5B },
    { '*', 0x5C }, { ')', 0x5D }, { ';', 0x5E }, { '-', 0x60 }, { '/', 0x61 }, { ',', 0x6B },
    { '_', 0x6D }, { '?', 0x6F }, { ':', 0x7A }, { '#', 0x7B }, { '@', 0x7C }, { '\'', 0x7D },
    { '=', 0x7E }, { '"', 0x7F },
};

uint8_t ebcdic_from_ascii(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c >= 'A' && c <= 'I')
        return (uint8_t)(0xC1 + (c - 'A'));
    if (c >= 'J' && c <= 'R')
        return (uint8_t)(0xD1 + (c - 'J'));
    if (c >= 'S' && c <= 'Z')
        return (uint8_t)(0xE2 + (c - 'S'));
    if (c >= '0' && c <= '9')
        return (uint8_t)(0xF0 + (c - '0'));
    for (unsigned i = 0; i < sizeof punct / sizeof punct[0]; i++)
        if (punct[i].a == c)
            return punct[i].e;
    return 0x6F;    /* '?' */
}

char ebcdic_to_ascii(uint8_t e)
{
    if (e >= 0xC1 && e <= 0xC9)
        return (char)('A' + (e - 0xC1));
    if (e >= 0xD1 && e <= 0xD9)
        return (char)('J' + (e - 0xD1));
    if (e >= 0xE2 && e <= 0xE9)
        return (char)('S' + (e - 0xE2));
    if (e >= 0xF0 && e <= 0xF9)
        return (char)('0' + (e - 0xF0));
    if (e >= 0x81 && e <= 0x89)
        return (char)('a' + (e - 0x81));
    if (e >= 0x91 && e <= 0x99)
        return (char)('j' + (e - 0x91));
    if (e >= 0xA2 && e <= 0xA9)
        return (char)('s' + (e - 0xA2));
    for (unsigned i = 0; i < sizeof punct / sizeof punct[0]; i++)
        if (punct[i].e == e)
            return punct[i].a;
    return '.';
}

void ebcdic_put(uint8_t *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = ebcdic_from_ascii(*s ? *s++ : ' ');
}

void ebcdic_get(char *dst, const uint8_t *src, size_t n)
{
    size_t end = n;
    for (size_t i = 0; i < n; i++)
        dst[i] = ebcdic_to_ascii(src[i]);
    while (end > 0 && dst[end - 1] == ' ')
        end--;
    dst[end] = 0;
}
