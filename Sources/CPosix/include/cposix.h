#ifndef WATCHLISTD_CPOSIX_H
#define WATCHLISTD_CPOSIX_H

/// openlog(3) with an ident copied into storage that lives for the process
/// (openlog keeps the pointer, so a Swift string's buffer would dangle).
void wl_openlog(const char *ident, int option, int facility);
/// syslog(3) with the fixed format "%s": the message is never a format string.
void wl_syslog(int priority, const char *message);

#endif
