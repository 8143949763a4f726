#ifndef PARLEY_COSIP_H
#define PARLEY_COSIP_H

#include <stddef.h>

/// Initialises libosip2's parser tables once (parser_init); call before cosip_parse.
int cosip_init(void);

/// Parses `length` bytes as one SIP message with libosip2 (osip_message_init, osip_message_parse) and frees the
/// result (osip_message_free): the whole cost of turning a datagram into libosip2's message structure.
/// Returns 0 on success, libosip2's error code otherwise.
int cosip_parse(const char *bytes, size_t length);

/// Parses as cosip_parse, then serialises the message back to text (osip_message_to_str) and frees both.
/// Returns the serialised length, or a negative error code.
long cosip_parse_and_serialize(const char *bytes, size_t length);

#endif
