extension Duration {
    /// The duration in seconds, for rates and reports (never for behaviour).
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
