import SimStats

/// The JSON report: everything a run produced, keys in a fixed order (written by hand, not by
/// `JSONEncoder`, whose key order is not the layout's), so the same run gives the same bytes.
public enum JSONReport {
    public static func render(_ r: RunReport) -> String {
        let w = JSONWriter()
        w.object {
            w.key("capsim_version"); w.string(CapSimInfo.version)
            w.key("schema_version"); w.number(Double(CapSimInfo.schemaVersion))
            w.key("scenario")
            w.object {
                w.key("name"); w.string(r.scenario.name)
                w.key("file"); w.string(r.scenario.file)
                w.key("hash"); w.string(r.scenario.hash)
                w.key("seed"); w.string(String(r.scenario.seed))
                w.key("replications"); w.number(Double(r.summary.replications))
            }
            w.key("events"); w.number(Double(r.summary.events))
            w.key("requests"); w.number(Double(r.summary.arrivals))
            w.key("metrics")
            w.object {
                for e in r.summary.estimates {
                    w.key(e.id)
                    w.object {
                        w.key("value"); w.number(e.value)
                        if let hw = e.halfWidth95 { w.key("hw95"); w.number(hw) }
                        w.key("n"); w.number(Double(e.replications))
                    }
                }
            }
            w.key("warnings")
            w.array { for s in r.summary.warnings { w.string(s) } }
            w.key("unstable_replications")
            w.array { for i in r.unstableReplications { w.number(Double(i)) } }
            w.key("per_replication")
            w.array {
                for rep in r.results {
                    w.object {
                        w.key("replication"); w.number(Double(rep.replication))
                        w.key("events"); w.number(Double(rep.outcome.events))
                        w.key("requests"); w.number(Double(rep.outcome.arrivals))
                        w.key("fingerprint"); w.string(hex(rep.outcome.fingerprint))
                        w.key("unstable"); w.bool(rep.outcome.unstable)
                        w.key("metrics")
                        w.object {
                            for (m, v) in zip(r.summary.layout.metrics, rep.values) { w.key(m.id); w.number(v) }
                        }
                    }
                }
            }
        }
        return w.text + "\n"
    }

    static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// A minimal streaming JSON writer with two-space indentation. NaN and infinities become null.
final class JSONWriter {
    var text = ""
    var depth = 0
    var needsComma = false
    var afterKey = false

    func prefix() {
        if afterKey { afterKey = false; return }
        if needsComma { text += "," }
        if depth > 0 { text += "\n" + String(repeating: "  ", count: depth) }
    }

    func object(_ body: () -> Void) { open("{"); body(); close("}") }
    func array(_ body: () -> Void) { open("["); body(); close("]") }

    func open(_ c: String) { prefix(); text += c; depth += 1; needsComma = false }
    func close(_ c: String) {
        depth -= 1
        if needsComma { text += "\n" + String(repeating: "  ", count: depth) }
        text += c; needsComma = true
    }

    func key(_ k: String) { prefix(); text += quote(k) + ": "; afterKey = true; needsComma = true }
    func string(_ s: String) { prefix(); text += quote(s); needsComma = true }
    func bool(_ b: Bool) { prefix(); text += b ? "true" : "false"; needsComma = true }
    func number(_ x: Double) { prefix(); text += x.isFinite ? csvNumber(x) : "null"; needsComma = true }

    func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
