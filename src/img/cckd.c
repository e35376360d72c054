/* placeholder until the CCKD code lands */
#include <errno.h>
#include "img/img_internal.h"
int cckd_open(struct img *im, char *err, size_t errlen) { return img_fail(err, errlen, ENOTSUP, "image %s: CCKD not yet supported", im->file[0].path); }
int cckd_read(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len) { return -ENOTSUP; }
int cckd_write(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len) { return -ENOTSUP; }
int cckd_close(struct img *im) { return 0; }
int cckd_flush(struct img *im) { return 0; }
int cckd_create(const char *path, const struct img_create_opts *o, const struct img_geometry *g, char *err, size_t errlen) { return img_fail(err, errlen, ENOTSUP, "image %s: CCKD not yet supported", path); }
