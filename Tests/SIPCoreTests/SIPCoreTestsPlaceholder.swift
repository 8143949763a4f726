import Testing

@testable import SIPCore

@Test func SIPCoreModuleLoads() { #expect(Bool(true)) }
