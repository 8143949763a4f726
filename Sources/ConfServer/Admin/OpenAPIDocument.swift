/// The OpenAPI 3.1 description of the admin API, served at `/api/v1/openapi.json`.
///
/// Written by hand, next to the routes it describes; `make test` runs schemathesis against a live server with
/// it, and AdminTests checks it parses and names every route.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Parley admin API",
    "version": "1.0.0",
    "description": "Manage Parley's conference rooms, their live callers and recordings. Every operation but this document needs 'Authorization: Bearer TOKEN' when the server has an admin_token. Errors are RFC 9457 problem documents."
  },
  "servers": [{ "url": "/api/v1" }],
  "security": [{ "bearer": [] }],
  "paths": {
    "/rooms": {
      "get": {
        "operationId": "listRooms",
        "summary": "List rooms, ordered by extension",
        "parameters": [{ "$ref": "#/components/parameters/ShowPIN" }],
        "responses": {
          "200": { "description": "The rooms", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RoomList" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" }
        }
      },
      "post": {
        "operationId": "createRoom",
        "summary": "Create a room; the PIN is generated when absent and shown in the answer",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RoomCreate" } } } },
        "responses": {
          "201": { "description": "The new room, PIN shown", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Room" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "get": {
        "operationId": "getRoom",
        "summary": "One room; the PIN reads ****** unless show_pin=true",
        "parameters": [{ "$ref": "#/components/parameters/ShowPIN" }],
        "responses": {
          "200": { "description": "The room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Room" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      },
      "put": {
        "operationId": "replaceRoom",
        "summary": "Replace a room; absent fields take defaults, an absent PIN is kept. Validated whole before writing.",
        "parameters": [{ "$ref": "#/components/parameters/ShowPIN" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RoomReplace" } } } },
        "responses": {
          "200": { "description": "The room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Room" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" }
        }
      },
      "patch": {
        "operationId": "updateRoom",
        "summary": "Change the given fields; options merge. Validated whole before writing.",
        "parameters": [{ "$ref": "#/components/parameters/ShowPIN" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RoomPatch" } } } },
        "responses": {
          "200": { "description": "The room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Room" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" }
        }
      },
      "delete": {
        "operationId": "deleteRoom",
        "summary": "Delete a room (callers in it stay until they hang up)",
        "responses": {
          "204": { "description": "Deleted" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/pin/regenerate": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "regeneratePIN",
        "summary": "Give the room a new random PIN (same length, at least 6) and show it",
        "responses": {
          "200": { "description": "The room with its new PIN", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Room" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/participants": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "get": {
        "operationId": "listParticipants",
        "summary": "Who is in the room now (live false and no participants when nobody is)",
        "responses": {
          "200": { "description": "The live room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/participants/{participant}": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }, { "$ref": "#/components/parameters/Participant" }],
      "delete": {
        "operationId": "kickParticipant",
        "summary": "Kick a caller: they hear a prompt and are hung up",
        "responses": {
          "204": { "description": "Kicked" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/participants/{participant}/mute": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }, { "$ref": "#/components/parameters/Participant" }],
      "post": {
        "operationId": "muteParticipant",
        "summary": "Mute a caller",
        "responses": {
          "200": { "description": "The caller", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Participant" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/participants/{participant}/unmute": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }, { "$ref": "#/components/parameters/Participant" }],
      "post": {
        "operationId": "unmuteParticipant",
        "summary": "Unmute a caller",
        "responses": {
          "200": { "description": "The caller", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Participant" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/lock": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "lockRoom",
        "summary": "Lock a live room: new callers are refused",
        "responses": {
          "200": { "description": "The live room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/unlock": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "unlockRoom",
        "summary": "Unlock a live room",
        "responses": {
          "200": { "description": "The live room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/recording/start": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "startRecording",
        "summary": "Start recording a live room's mix",
        "responses": {
          "200": { "description": "The live room, with its recording file", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/recording/stop": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "stopRecording",
        "summary": "Stop recording a live room",
        "responses": {
          "200": { "description": "The live room", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/rooms/{extension}/dial-out": {
      "parameters": [{ "$ref": "#/components/parameters/Extension" }],
      "post": {
        "operationId": "dialOut",
        "summary": "Call a SIP address, or a number through the trunk, and seat whoever answers in the room (no PIN). Answers when the call is up; a call not answered within ring_timeout is cancelled.",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DialOut" } } }
        },
        "responses": {
          "200": { "description": "The live room, with the called party in it", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LiveRoom" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" },
          "502": { "$ref": "#/components/responses/Problem" },
          "504": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/recordings": {
      "get": {
        "operationId": "listRecordings",
        "summary": "Files in the recordings directory",
        "responses": {
          "200": { "description": "The recordings", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RecordingList" } } } },
          "401": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/recordings/{name}": {
      "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$" }, "description": "A file name from the list" }],
      "get": {
        "operationId": "downloadRecording",
        "summary": "Download a recording (WAV)",
        "responses": {
          "200": { "description": "The file", "content": { "audio/wav": { "schema": { "type": "string", "contentMediaType": "audio/wav" } }, "application/octet-stream": { "schema": { "type": "string" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPI",
        "summary": "This document",
        "security": [],
        "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": { "schema": { "type": "object" } } } } }
      }
    }
  },
  "components": {
    "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
    "parameters": {
      "Extension": { "name": "extension", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[0-9]{1,32}$" }, "description": "The room's extension (digits)" },
      "Participant": { "name": "participant", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^P?[0-9]{1,18}$" }, "description": "A participant id such as P12" },
      "ShowPIN": { "name": "show_pin", "in": "query", "required": false, "schema": { "type": "boolean" }, "description": "Show the PIN and admin PIN instead of ******" }
    },
    "responses": {
      "Problem": { "description": "An RFC 9457 problem document", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
          "type": { "type": "string" },
          "title": { "type": "string" },
          "status": { "type": "integer" },
          "detail": { "type": "string" }
        }
      },
      "Options": {
        "type": "object",
        "description": "ConfBridge option names (max_members, admin_pin, startmuted, wait_marked, end_marked, announce_user_count, announce_only_user, announce_join_leave, announce_names, music_on_hold_when_empty, music_on_hold_shuffle, record_conference, dsp_talking_threshold, dsp_silence_threshold, talk_detection_events, denoise, jitterbuffer, internal_sample_rate (8000, 16000, 48000), mixing_interval (10, 20, 40, 80)) to values",
        "additionalProperties": { "type": ["string", "integer", "boolean", "null"] }
      },
      "Menu": {
        "type": "object",
        "description": "The in-call DTMF menu: a key sequence (1 to 8 of 0-9, * and #; none a prefix of another) to a ConfBridge action. Replaces the whole menu when given. Default: *1 toggle_mute, *2 admin_toggle_conference_lock, *3 admin_kick_last, *4/*5/*6 decrease/reset/increase_listening_volume, *7/*0/*9 decrease/reset/increase_talking_volume, *8 admin_toggle_mute_participants, *# leave_conference",
        "propertyNames": { "pattern": "^[0-9*#]{1,8}$" },
        "additionalProperties": {
          "type": "string",
          "enum": ["toggle_mute", "decrease_listening_volume", "reset_listening_volume", "increase_listening_volume", "decrease_talking_volume", "reset_talking_volume", "increase_talking_volume", "leave_conference", "admin_toggle_conference_lock", "admin_kick_last", "admin_toggle_mute_participants"]
        }
      },
      "DialOut": {
        "type": "object",
        "required": ["target"],
        "properties": {
          "target": { "type": "string", "maxLength": 256, "description": "A sip: URI whose host is an IP address (sip:alice@192.0.2.10:5060), or a number (digits, optional leading +) dialled through the configured trunk" },
          "display_name": { "type": "string", "maxLength": 64, "description": "The name the room shows for the called party" },
          "ring_timeout": { "type": "integer", "minimum": 1, "maximum": 120, "description": "Seconds to wait for an answer before cancelling (default 30)" }
        }
      },
      "Room": {
        "type": "object",
        "required": ["name", "extension", "pin", "dids", "music_on_hold", "options", "menu"],
        "properties": {
          "name": { "type": "string" },
          "extension": { "type": "string" },
          "pin": { "type": "string", "description": "The PIN, or ****** when hidden" },
          "dids": { "type": "array", "items": { "type": "string" } },
          "music_on_hold": { "type": "string" },
          "options": { "type": "object", "additionalProperties": { "type": "string" } },
          "menu": { "$ref": "#/components/schemas/Menu" }
        }
      },
      "RoomList": {
        "type": "object",
        "required": ["rooms"],
        "properties": { "rooms": { "type": "array", "items": { "$ref": "#/components/schemas/Room" } } }
      },
      "RoomCreate": {
        "type": "object",
        "required": ["name", "extension"],
        "properties": {
          "name": { "type": "string", "description": "1 to 128 characters" },
          "extension": { "type": "string", "description": "1 to 32 digits" },
          "pin": { "type": "string", "description": "1 to 16 digits; generated when absent" },
          "pin_length": { "type": "integer", "description": "Length of a generated PIN, 4 to 16 (default 6)" },
          "dids": { "type": "array", "items": { "type": "string" } },
          "music_on_hold": { "type": "string" },
          "options": { "$ref": "#/components/schemas/Options" },
          "menu": { "$ref": "#/components/schemas/Menu" }
        }
      },
      "RoomReplace": {
        "type": "object",
        "required": ["name"],
        "properties": {
          "name": { "type": "string" },
          "extension": { "type": "string", "description": "Must equal the path's extension when given" },
          "pin": { "type": "string" },
          "dids": { "type": "array", "items": { "type": "string" } },
          "music_on_hold": { "type": "string" },
          "options": { "$ref": "#/components/schemas/Options" },
          "menu": { "$ref": "#/components/schemas/Menu" }
        }
      },
      "RoomPatch": {
        "type": "object",
        "properties": {
          "name": { "type": "string" },
          "extension": { "type": "string", "description": "Must equal the path's extension when given" },
          "pin": { "type": "string" },
          "dids": { "type": "array", "items": { "type": "string" } },
          "music_on_hold": { "type": "string" },
          "options": { "$ref": "#/components/schemas/Options" },
          "menu": { "$ref": "#/components/schemas/Menu" }
        }
      },
      "Participant": {
        "type": "object",
        "required": ["id", "name", "stage", "in_conference", "admin", "muted", "on_hold", "waiting_for_marked", "packets_received", "packets_sent"],
        "properties": {
          "id": { "type": "string" },
          "name": { "type": "string" },
          "stage": { "type": "string", "enum": ["answered", "recordingName", "enteringPIN", "joining", "inConference", "leaving"] },
          "in_conference": { "type": "boolean" },
          "admin": { "type": "boolean" },
          "muted": { "type": "boolean" },
          "on_hold": { "type": "boolean" },
          "waiting_for_marked": { "type": "boolean" },
          "packets_received": { "type": "integer" },
          "packets_sent": { "type": "integer" },
          "jitter_buffer_ms": { "type": "integer", "description": "The caller's jitter buffer delay now (frames held or awaited), in milliseconds" },
          "rtcp": { "$ref": "#/components/schemas/RTCPStatistics" }
        }
      },
      "RTCPStatistics": {
        "type": "object",
        "description": "RTCP (RFC 3550) figures of the call; a figure is absent until a report carried it",
        "required": ["reports_sent", "reports_received"],
        "properties": {
          "rtt_ms": { "type": "number", "description": "Round-trip time from the caller's reports (LSR/DLSR), in milliseconds" },
          "remote_fraction_lost": { "type": "number", "description": "Fraction of Parley's packets the caller lost in its last report interval" },
          "remote_packets_lost": { "type": "integer", "description": "Parley's packets the caller lost since the start" },
          "remote_jitter_ms": { "type": "number", "description": "Jitter the caller measures on Parley's audio, in milliseconds" },
          "fraction_lost": { "type": "number", "description": "Fraction of the caller's packets Parley lost in its last report interval" },
          "packets_lost": { "type": "integer", "description": "The caller's packets Parley lost since the start" },
          "jitter_ms": { "type": "number", "description": "Jitter Parley measures on the caller's audio, in milliseconds" },
          "reports_sent": { "type": "integer" },
          "reports_received": { "type": "integer" }
        }
      },
      "LiveRoom": {
        "type": "object",
        "required": ["room", "live", "locked", "participants"],
        "properties": {
          "room": { "type": "string" },
          "live": { "type": "boolean" },
          "locked": { "type": "boolean" },
          "recording": { "type": ["string", "null"], "description": "The file being recorded" },
          "late_ticks": { "type": "integer", "description": "Mixing ticks more than 10 ms late since the room went live" },
          "participants": { "type": "array", "items": { "$ref": "#/components/schemas/Participant" } }
        }
      },
      "RecordingList": {
        "type": "object",
        "required": ["recordings"],
        "properties": {
          "recordings": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["name", "size"],
              "properties": { "name": { "type": "string" }, "size": { "type": "integer" } }
            }
          }
        }
      }
    }
  }
}
"""#
}
