import Testing

@testable import RTP

@Test func RTPModuleLoads() { #expect(Bool(true)) }
