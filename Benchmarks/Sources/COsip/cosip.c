// A thin shim over libosip2's parser, used only by the benchmark package as a baseline for SIPCore's parser.
#include "cosip.h"

#include <stdlib.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

int cosip_init(void) {
    return parser_init();
}

int cosip_parse(const char *bytes, size_t length) {
    osip_message_t *message = NULL;
    int status = osip_message_init(&message);
    if (status != 0) {
        return status;
    }
    status = osip_message_parse(message, bytes, length);
    osip_message_free(message);
    return status;
}

long cosip_parse_and_serialize(const char *bytes, size_t length) {
    osip_message_t *message = NULL;
    int status = osip_message_init(&message);
    if (status != 0) {
        return status;
    }
    status = osip_message_parse(message, bytes, length);
    if (status != 0) {
        osip_message_free(message);
        return status;
    }
    // osip_message_to_str reuses the original text while the message is unchanged; force a rebuild so the
    // figure is a real serialisation, as SIPCore's serialize(into:) always is.
    osip_message_force_update(message);
    char *text = NULL;
    size_t textLength = 0;
    status = osip_message_to_str(message, &text, &textLength);
    osip_message_free(message);
    if (status != 0) {
        return status;
    }
    osip_free(text);
    return (long)textLength;
}
