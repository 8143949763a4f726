// RTP module.
