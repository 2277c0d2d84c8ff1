import Foundation
import Testing
import TestSupport

/// The HTML report drawn by headless Chromium, for the report tests.
enum ChromiumRender {
    /// Renders `html`, checks the screenshot is a real PNG, returns the DOM Chromium built.
    static func render(_ html: URL, in dir: URL, height: Int) throws -> String {
        let png = dir.appendingPathComponent(html.deletingPathExtension().lastPathComponent + ".png")
        let shot = try ToolRunner.shell("chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot='\(png.path)' --window-size=1200,\(height) 'file://\(html.path)'")
        #expect(shot.status == 0, "\(shot.stderrText)")
        let image = try Data(contentsOf: png)
        #expect(image.count > 10_000)
        #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let dom = try ToolRunner.shell("chromium --headless --no-sandbox --disable-gpu --dump-dom 'file://\(html.path)'")
        #expect(dom.status == 0)
        return dom.stdoutText
    }
}
