import CGSL

extension RandomStream {
    /// A standard normal draw (mean 0, variance 1) equal to `gsl_ran_gaussian_ziggurat(rng, 1)`
    /// bit for bit, consuming the same words: GSL's fast path (one word, ≈ 99 % of draws) runs
    /// inline from the linked GSL's own columns (`GaussianZiggurat.shared.layers`); any other
    /// draw gives its word back and is GSL's from the start.
    ///
    /// It is the Gaussian inside ``GammaSampler``, which needs a draw per gamma variate; through
    /// GSL each costs an indirect call per word and a call into the library.
    @inlinable @inline(__always)
    func standardGaussian(_ layers: UnsafePointer<GaussianZiggurat.Layer>) -> Double {
        let word = PhiloxState.nextWord(state)
        let layer = Int(word & 0x7F)
        let j = (word &>> 8) & 0xFF_FFFF
        if j < layers[layer].bound {
            let x = Double(j) * layers[layer].width
            return word & 0x80 != 0 ? x : -x
        }
        return standardGaussianBeyondFastPath()
    }

    /// ``standardGaussian(_:)`` for a word off GSL's fast path (or for every word, when the
    /// columns could not be read off the linked GSL): the word goes back, GSL draws.
    @usableFromInline @inline(never)
    func standardGaussianBeyondFastPath() -> Double {
        PhiloxState.unreadWord(state)
        return gsl_ran_gaussian_ziggurat(rng, 1.0)
    }
}
