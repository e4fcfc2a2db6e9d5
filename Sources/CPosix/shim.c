#include "cposix.h"
#include <string.h>
#include <syslog.h>

static char ident_storage[64];

void wl_openlog(const char *ident, int option, int facility) {
    strncpy(ident_storage, ident, sizeof ident_storage - 1);
    ident_storage[sizeof ident_storage - 1] = '\0';
    openlog(ident_storage, option, facility);
}

void wl_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}
