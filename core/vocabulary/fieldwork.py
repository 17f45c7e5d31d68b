"""Words of field use on a phone: the observation's position and photos, and Streamlit's own widget texts."""
from __future__ import annotations

# Streamlit's own texts, keyed "streamlit_text.*": the English side is Streamlit 1.67's text exactly as its
# frontend writes it ({placeholders} stand for what it fills in), so the page can find each one and show the
# Chinese side instead (app_pages/page_scripts.py). A Streamlit upgrade that rewords one fails
# tests/browser/test_field_browser.py.
STREAMLIT_TEXTS: dict[str, dict[str, str]] = {
    "streamlit_text.upload": {"zh": "上传", "en": "Upload"},
    "streamlit_text.upload_directories": {"zh": "上传文件夹", "en": "Upload directories"},
    "streamlit_text.file_upload": {"zh": "选择文件", "en": "file upload"},
    "streamlit_text.remove": {"zh": "移除 {name}", "en": "Remove {name}"},
    "streamlit_text.cancel_upload": {"zh": "取消上传 {name}", "en": "Cancel upload of {name}"},
    # How Streamlit names a Material icon to screen readers (e.g. "add icon").
    "streamlit_text.icon": {"zh": "{icon} 图标", "en": "{icon} icon"},
    "streamlit_text.add_files": {"zh": "添加文件", "en": "Add files"},
    "streamlit_text.drop_files": {"zh": "将文件拖到此处", "en": "Drag and drop files here"},
    "streamlit_text.drop_file": {"zh": "将文件拖到此处", "en": "Drag and drop a file here"},
    "streamlit_text.drop_directories": {"zh": "将文件夹拖到此处", "en": "Drag and drop directories here"},
    "streamlit_text.per_file": {"zh": "每个文件不超过 {size}", "en": "{size} per file"},
    "streamlit_text.too_large": {"zh": "文件不能超过 {size}。", "en": "File must be {size} or smaller."},
    "streamlit_text.type_refused": {"zh": "不接受 {type} 类型的文件。", "en": "{type} files are not allowed."},
    "streamlit_text.too_small": {"zh": "文件太小。", "en": "File size is too small."},
    "streamlit_text.one_file": {"zh": "只能上传一个文件。", "en": "Only one file is allowed."},
    "streamlit_text.take_photo": {"zh": "拍照", "en": "Take Photo"},
    "streamlit_text.clear_photo": {"zh": "重拍", "en": "Clear photo"},
    "streamlit_text.uploading": {"zh": "正在上传……", "en": "Uploading..."},
    # The upload's progress bar is named by its aria-label only (read aloud, not shown).
    "streamlit_text.progress": {"zh": "进度", "en": "progress"},
    "streamlit_text.switch_camera": {"zh": "切换摄像头", "en": "Switch camera"},
    "streamlit_text.camera_permission": {"zh": "需要使用摄像头拍照，请在浏览器提示中选择“允许”。",
                                         "en": "This app would like to use your camera."},
    "streamlit_text.camera_help": {"zh": "如何允许使用摄像头", "en": "Learn how to allow access."},
    "streamlit_text.close": {"zh": "关闭", "en": "Close"},
    "streamlit_text.dismiss": {"zh": "关闭", "en": "Dismiss"},
    "streamlit_text.page_not_found": {"zh": "页面不存在", "en": "Page not found"},
    "streamlit_text.no_such_page": {"zh": "您要打开的页面不存在，已为您打开首页。",
                                    "en": "The page that you have requested does not seem to exist. "
                                          "Running the app's main page."},
    "streamlit_text.no_such_named_page": {
        "zh": "页面 /{page} 不存在，已为您打开首页。",
        "en": "You have requested page /{page}, but no corresponding file was found in the app's pages/ "
              "directory. Running the app's main page."},
}

ENTRIES: dict[str, dict[str, str]] = {
    **STREAMLIT_TEXTS,
    "field.position_source": {"zh": "位置来源", "en": "Position from"},
    "field.source.located": {"zh": "定位", "en": "Located"},
    "field.source.typed": {"zh": "手动", "en": "Typed"},
    "field.locating": {"zh": "正在获取手机/浏览器的位置……请在浏览器提示中选择“允许”。",
                       "en": "Asking the phone/browser for its position… allow it when the browser asks."},
    "field.locate_again": {"zh": "重新定位", "en": "Locate again"},
    "field.located": {"zh": "位置来源：定位（精度约 {accuracy} 米）", "en": "Position from: located (to about {accuracy} m)"},
    "field.typed": {"zh": "位置来源：手动输入", "en": "Position from: typed"},
    "field.locate_failed.denied": {"zh": "浏览器拒绝了定位，请在浏览器设置中允许定位，或改为手动输入。",
                                   "en": "The browser refused to share its position: allow it in the browser's "
                                         "settings, or type the position."},
    "field.locate_failed.unavailable": {"zh": "暂时无法定位（没有卫星或网络信号），请稍后重新定位，或改为手动输入。",
                                        "en": "No position to be had right now (no satellite or network fix): "
                                              "locate again later, or type the position."},
    "field.locate_failed.timeout": {"zh": "定位超时，请到开阔处重新定位，或改为手动输入。",
                                    "en": "Locating took too long: try again in the open, or type the position."},
    "field.locate_failed.insecure": {"zh": "浏览器只在 HTTPS 地址下提供定位，请手动输入（并请管理员启用 HTTPS）。",
                                     "en": "Browsers share their position only with HTTPS pages: type the position "
                                           "(and ask the administrator for HTTPS)."},
    "field.locate_failed.unsupported": {"zh": "此浏览器不支持定位，请手动输入。",
                                        "en": "This browser cannot locate itself: type the position."},
    "field.use_camera": {"zh": "用摄像头拍照", "en": "Take a photo with the camera"},
    "field.camera": {"zh": "现场拍照", "en": "Camera"},
    "field.gallery": {"zh": "从相册选择照片", "en": "Photos from the gallery"},
}
