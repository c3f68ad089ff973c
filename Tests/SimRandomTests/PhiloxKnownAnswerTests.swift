import CGSL
import SimRandom
import Testing

/// Random123 known-answer vectors for Philox4x32-10 (`tests/kat_vectors` in the Random123
/// distribution; the same lines appear in DEShawResearch/Random123-Boost `libs/random/test/test_philox.cpp`).
/// Columns: counter (4 words), key (2 words), expected output (4 words), all `v[0]` first.
private let knownAnswers: [(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, expected: SIMD4<UInt32>)] = [
    (
        [0x0000_0000, 0x0000_0000, 0x0000_0000, 0x0000_0000], [0x0000_0000, 0x0000_0000],
        [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8]
    ),
    (
        [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [0xFFFF_FFFF, 0xFFFF_FFFF],
        [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD]
    ),
    (
        [0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344], [0xA409_3822, 0x299F_31D0],
        [0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1]
    ),
]

@Suite("Philox4x32-10 and the GSL type")
struct PhiloxKnownAnswerTests {
    @Test("block matches the Random123 known-answer vectors", arguments: 0..<3)
    func knownAnswer(_ i: Int) {
        let v = knownAnswers[i]
        #expect(Philox4x32_10.block(counter: v.counter, key: v.key) == v.expected)
    }

    @Test("the GSL type reports its name, range and state size")
    func gslType() throws {
        let store = StreamStore(seed: 1)
        defer { withExtendedLifetime(store) {} }
        let rng = store.stream(path: "a", purpose: .service).rng
        let name = try #require(gsl_rng_name(rng))
        #expect(String(cString: name) == "capsim-philox4x32-10")
        #expect(PhiloxRNGType.name == "capsim-philox4x32-10")
        #expect(gsl_rng_max(rng) == 0xFFFF_FFFF)
        #expect(gsl_rng_min(rng) == 0)
        #expect(gsl_rng_size(rng) == 44)
    }

    @Test("capsim_philox_state has the word layout Swift assumes")
    func stateLayout() {
        #expect(MemoryLayout<capsim_philox_state>.size == 44)
        #expect(MemoryLayout<capsim_philox_state>.offset(of: \.key) == 0)
        #expect(MemoryLayout<capsim_philox_state>.offset(of: \.counter) == 8)
        #expect(MemoryLayout<capsim_philox_state>.offset(of: \.buffer) == 24)
        #expect(MemoryLayout<capsim_philox_state>.offset(of: \.used) == 40)
    }

    @Test("a stream emits the words of Philox(counter, key) in order through gsl_rng_get")
    func wordsInOrder() {
        let store = StreamStore(seed: 7)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "svc", purpose: .arrivals)
        let key = StreamKey(seed: 7, path: "svc", purpose: .arrivals).words
        #expect(stream.key == key)
        stream.seat(replication: 3, entity: 0x1234_5678_9ABC)
        // replication → counter[3]; entity bits 47…16 → counter[2]; entity bits 15…0 → counter[1] high half.
        let c0 = SIMD4<UInt32>(0, 0x9ABC_0000, 0x1234_5678, 3)
        #expect(stream.counter == c0)
        let b0 = Philox4x32_10.block(counter: c0, key: key)
        let b1 = Philox4x32_10.block(counter: c0 &+ SIMD4(1, 0, 0, 0), key: key)
        var words: [UInt32] = []
        for _ in 0..<8 { words.append(UInt32(gsl_rng_get(stream.rng))) }
        #expect(words == [b0[0], b0[1], b0[2], b0[3], b1[0], b1[1], b1[2], b1[3]])
    }

    @Test("gsl_rng_set puts the seed in the key and restarts at counter 0")
    func gslSet() {
        let store = StreamStore(seed: 7)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "svc", purpose: .arrivals)
        gsl_rng_set(stream.rng, 0x0123_4567_89AB_CDEF)
        #expect(stream.key == SIMD2(0x89AB_CDEF, 0x0123_4567))
        #expect(stream.counter == .zero)
        let b = Philox4x32_10.block(counter: .zero, key: SIMD2(0x89AB_CDEF, 0x0123_4567))
        #expect(stream.nextUInt32() == b[0])
    }
}
