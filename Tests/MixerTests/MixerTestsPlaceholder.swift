import Testing

@testable import Mixer

@Test func MixerModuleLoads() { #expect(Bool(true)) }
