document.getElementById("app")!.textContent = "Amdahl"
