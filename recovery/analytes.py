"""What drug and alcohol tests look for: each analyte, its words and the substance of
the use list it counts against (``recovery.Substance.code``). Plain data, no Django:
panels (``recovery.TestPanel``) name these codes, and the calculations read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Analyte:
    code: str
    label: str
    substance: str


ANALYTES: tuple[Analyte, ...] = (
    Analyte("alcohol", "Alcohol (breath)", "alcohol"),
    Analyte("etg", "Ethyl glucuronide (EtG, alcohol)", "alcohol"),
    Analyte("thc", "Cannabis (THC)", "cannabis"),
    Analyte("cocaine", "Cocaine", "stimulants"),
    Analyte("amphetamines", "Amphetamines", "stimulants"),
    Analyte("methamphetamine", "Methamphetamine", "stimulants"),
    Analyte("opiates", "Opiates (morphine, codeine, heroin)", "opioids"),
    Analyte("fentanyl", "Fentanyl", "opioids"),
    Analyte("oxycodone", "Oxycodone", "opioids"),
    Analyte("buprenorphine", "Buprenorphine", "opioids"),
    Analyte("methadone", "Methadone", "opioids"),
    Analyte("benzodiazepines", "Benzodiazepines", "benzodiazepines"),
)
BY_CODE = {analyte.code: analyte for analyte in ANALYTES}
SPECIMENS = (("urine", "Urine"), ("oral_fluid", "Oral fluid"), ("breath", "Breath"))


def label(code: str) -> str:
    analyte = BY_CODE.get(code)
    return analyte.label if analyte else code


def substance_of(code: str) -> str:
    analyte = BY_CODE.get(code)
    return analyte.substance if analyte else "other"
