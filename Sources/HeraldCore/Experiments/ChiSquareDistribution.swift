import Foundation

/// The χ² distribution's survival function, P(X > x) with `degrees` degrees
/// of freedom: the regularized upper incomplete gamma Q(k/2, x/2), by its
/// series below a + 1 and its continued fraction above (Lentz's method).
public enum ChiSquareDistribution {
    public static func survival(_ x: Double, degrees: Int) -> Double {
        precondition(degrees >= 1, "a χ² distribution has at least one degree of freedom")
        guard x > 0 else { return 1 }
        return upperRegularizedGamma(Double(degrees) / 2, x / 2)
    }

    static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // P(a, x) by its series; Q = 1 − P.
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefix) * h)
    }
}
