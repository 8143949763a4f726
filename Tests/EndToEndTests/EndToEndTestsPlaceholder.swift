import Testing

@testable import Conference

@Test func ConferenceModuleLoads() { #expect(Bool(true)) }
